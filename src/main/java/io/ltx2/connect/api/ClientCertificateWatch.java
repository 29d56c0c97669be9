package io.ltx2.connect.api;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The client's key manager (the configured one, or none), noting when a server asked for a client
 * certificate that this client could not present. A TLS 1.3 server that requires one refuses it
 * after the client's side of the handshake is done: the client sees only "connection closed", which
 * alone would pass for a network failure (retried, and for a create counted as possibly billed).
 * With this note, {@link TransportFailures} tells it as the certificate problem it is. Any answer
 * from the server clears the note, so a server that only <em>wants</em> a certificate is not
 * mistaken for one that requires it.
 */
final class ClientCertificateWatch extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;
    private volatile boolean unanswered;

    private ClientCertificateWatch(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /** Watches the X.509 key manager among {@code keyManagers} (null: no client certificate). */
    static ClientCertificateWatch over(KeyManager[] keyManagers) {
        if (keyManagers != null) {
            for (KeyManager k : keyManagers) {
                if (k instanceof X509ExtendedKeyManager x) {
                    return new ClientCertificateWatch(x);
                }
            }
        }
        return new ClientCertificateWatch(null);
    }

    /** Whether a server asked for a certificate this client could not give, with no answer from the API since. */
    boolean unanswered() {
        return unanswered;
    }

    /** An answer came: whatever was asked in a handshake did not stop the exchange. */
    void answered() {
        if (unanswered) {
            unanswered = false;
        }
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return noted(delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return noted(delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket));
    }

    private String noted(String alias) {
        if (alias == null) {
            unanswered = true;
        }
        return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate == null ? null : delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
