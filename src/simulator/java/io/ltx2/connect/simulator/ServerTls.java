package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * How the simulator serves HTTPS: the server's {@link SSLContext} (its key and certificate, and
 * the CAs it trusts for client certificates) and whether a client certificate is required.
 *
 * @param context         the server's TLS context
 * @param needClientAuth  whether a client without a trusted certificate is refused in the handshake
 */
record ServerTls(SSLContext context, boolean needClientAuth) {

    ServerTls {
        Objects.requireNonNull(context, "context");
    }

    /** The configurator of the JDK's {@code HttpsServer}. */
    HttpsConfigurator configurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(ssl);
            }
        };
    }

    /** A server context from a PKCS12 (or JKS) keystore whose key has the store's password; trust: the JVM's CAs. */
    static SSLContext fromKeystore(Path keystore, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + keystore + " as the simulator's TLS keystore: " + e.getMessage(), e);
        }
    }
}
