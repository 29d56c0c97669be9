package io.ltx2.connect.api;

import org.apache.kafka.common.config.types.Password;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link SSLContext} of the API's connections from {@link TlsSettings}, with the JDK's
 * own key and trust managers only. Failures are {@link IllegalArgumentException}s that name the
 * setting to fix and never hold a password.
 */
public final class TlsContextFactory {
    private static final Pattern PEM_CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

    private TlsContextFactory() {
    }

    /** A context with the configured trust (else the JVM's default CAs) and client certificate (else none). */
    public static SSLContext create(TlsSettings settings) {
        return create(settings, ClientCertificateWatch.over(keyManagers(settings)));
    }

    /** As {@link #create(TlsSettings)}, with the client's key manager given (it wraps the configured one). */
    static SSLContext create(TlsSettings settings, ClientCertificateWatch keys) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[]{keys}, trustManagers(settings), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the API: " + e.getMessage(), e);
        }
    }

    /** The configured trust, or null for the JVM's default CAs. */
    public static TrustManager[] trustManagers(TlsSettings settings) {
        KeyStore trusted;
        String source;
        if (settings.truststore() != null) {
            source = "the truststore " + settings.truststore().location() + " (ltx.api.ssl.truststore.location)";
            trusted = load(settings.truststore(), "ltx.api.ssl.truststore");
        } else if (settings.trustedCertificates() != null) {
            source = "ltx.api.ssl.truststore.certificates";
            trusted = storeOf(certificates(settings.trustedCertificates(), source));
        } else if (settings.trustedCertificatesFile() != null) {
            source = "the PEM file " + settings.trustedCertificatesFile() + " (ltx.api.ssl.truststore.pem.location)";
            trusted = storeOf(certificates(readPem(settings.trustedCertificatesFile(), source), source));
        } else {
            return null;
        }
        try {
            if (Collections.list(trusted.aliases()).stream().noneMatch(a -> isCertificate(trusted, a))) {
                throw new IllegalArgumentException(source + " holds no certificate to trust");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + source + " as trust: " + e.getMessage(), e);
        }
    }

    /** The client certificate's key managers, or null when no keystore is configured. */
    public static KeyManager[] keyManagers(TlsSettings settings) {
        TlsSettings.KeyStoreFile file = settings.keystore();
        if (file == null) {
            return null;
        }
        KeyStore store = load(file, "ltx.api.ssl.keystore");
        String source = "the keystore " + file.location() + " (ltx.api.ssl.keystore.location)";
        try {
            if (Collections.list(store.aliases()).stream().noneMatch(a -> isKey(store, a))) {
                throw new IllegalArgumentException(source + " holds no private key");
            }
            Password keyPassword = settings.keyPassword() != null ? settings.keyPassword() : file.password();
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, chars(keyPassword));
            return factory.getKeyManagers();
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("cannot read the private key in " + source + ": wrong ltx.api.ssl.key.password "
                    + "(when it is not set, the key must have the keystore's password)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + source + ": " + e.getMessage(), e);
        }
    }

    /** The X.509 certificates of PEM text: every CERTIFICATE block, line breaks optional. */
    public static List<Certificate> certificates(String pem, String source) {
        List<Certificate> out = new ArrayList<>();
        Matcher block = PEM_CERTIFICATE.matcher(pem);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (block.find()) {
                byte[] der = Base64.getMimeDecoder().decode(block.group(1).getBytes(StandardCharsets.US_ASCII));
                out.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": certificate " + (out.size() + 1) + " is not a valid PEM certificate: "
                    + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
        }
        return out;
    }

    private static KeyStore load(TlsSettings.KeyStoreFile file, String keyPrefix) {
        String what = keyPrefix + ".location " + file.location() + " (" + file.type() + ")";
        try (InputStream in = Files.newInputStream(file.location())) {
            KeyStore store = KeyStore.getInstance(file.type());
            store.load(in, chars(file.password()));
            return store;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + ": no such file", e);
        } catch (IOException e) {
            // A wrong password shows as an IOException whose message never holds the password.
            throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage()
                    + (e.getCause() instanceof UnrecoverableKeyException ? " (check " + keyPrefix + ".password)" : ""), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore storeOf(List<Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory truststore", e);
        }
    }

    private static String readPem(Path file, String source) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + source + ": " + e, e);
        }
    }

    private static boolean isCertificate(KeyStore store, String alias) {
        try {
            return store.isCertificateEntry(alias) || store.getCertificate(alias) != null;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static char[] chars(Password password) {
        return password == null || password.value() == null ? null : password.value().toCharArray();
    }
}
