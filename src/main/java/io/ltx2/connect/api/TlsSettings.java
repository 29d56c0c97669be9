package io.ltx2.connect.api;

import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the API's TLS connections are set up ({@code ltx.api.ssl.*}). Trust comes from at most one
 * source: a truststore file, PEM certificates given as text, or a PEM file; any of them
 * <em>replaces</em> the JVM's default CAs (Kafka's own convention for {@code ssl.truststore.*}).
 * With none, the JVM's defaults apply ({@code javax.net.ssl.*} system properties included). A
 * keystore adds a client certificate. {@link #toString()} never shows a password.
 *
 * @param truststore              a truststore file, or null
 * @param trustedCertificates     PEM text of one or more CA certificates, or null
 * @param trustedCertificatesFile a file of PEM CA certificates, or null
 * @param keystore                a keystore holding the client's key and certificate, or null
 * @param keyPassword             the password of the key in the keystore, or null for the keystore's password
 * @param hostnameVerification    whether the server's certificate must name the host of {@code ltx.api.url}
 */
public record TlsSettings(KeyStoreFile truststore, String trustedCertificates, Path trustedCertificatesFile,
                          KeyStoreFile keystore, Password keyPassword, boolean hostnameVerification) {

    /** The JVM's trust, no client certificate, host names verified. */
    public static final TlsSettings DEFAULT = new TlsSettings(null, null, null, null, null, true);

    public TlsSettings {
        int trustSources = (truststore == null ? 0 : 1) + (trustedCertificates == null ? 0 : 1) + (trustedCertificatesFile == null ? 0 : 1);
        if (trustSources > 1) {
            throw new IllegalArgumentException("give the trusted certificates one way only: a truststore, PEM text or a PEM file");
        }
        if (keyPassword != null && keystore == null) {
            throw new IllegalArgumentException("a key password needs a keystore");
        }
    }

    /** Whether the JVM's default CAs are replaced. */
    public boolean replacesJvmTrust() {
        return truststore != null || trustedCertificates != null || trustedCertificatesFile != null;
    }

    /** Whether anything differs from {@link #DEFAULT}. */
    public boolean customized() {
        return replacesJvmTrust() || keystore != null || !hostnameVerification;
    }

    /** The trust source, for logs. */
    public String describeTrust() {
        if (truststore != null) {
            return "truststore " + truststore.location() + " (" + truststore.type() + ")";
        } else if (trustedCertificates != null) {
            return "the PEM certificates of ltx.api.ssl.truststore.certificates";
        } else if (trustedCertificatesFile != null) {
            return "the PEM certificates in " + trustedCertificatesFile;
        }
        return "the JVM's default CAs";
    }

    @Override
    public String toString() {
        return "TlsSettings[trust " + describeTrust() + ", client certificate "
                + (keystore == null ? "none" : keystore.toString()) + ", hostname verification " + (hostnameVerification ? "on" : "off") + "]";
    }

    /**
     * A key or trust store file.
     *
     * @param location the file
     * @param type     {@code JKS} or {@code PKCS12} (a JKS store also reads PKCS12 files)
     * @param password its password, or null (a truststore may have none); never shown
     */
    public record KeyStoreFile(Path location, String type, Password password) {
        public KeyStoreFile {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public String toString() {
            return location + " (" + type + (password == null ? "" : ", password [hidden]") + ")";
        }
    }
}
