package io.ltx2.connect.api;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test CA and the certificates it issues, made at test time with BouncyCastle (EC P-256 keys,
 * fast to generate): server certificates with chosen subject alternative names, client
 * certificates, their PEM text, PKCS12 and JKS stores, and a server {@link SSLContext}.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    /** A new self-signed CA. */
    public static Ca newCa(String commonName) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + commonName);
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name, keys.getPublic()),
                keys, true, null, null);
        return new Ca(keys, cert);
    }

    /** A certificate authority that issues certificates. */
    public record Ca(KeyPair keys, X509Certificate certificate) {

        /**
         * A server certificate for {@code names}: {@code IP:127.0.0.1} or {@code DNS:localhost} style
         * entries; a bare value is a DNS name.
         */
        public Issued issueServer(String commonName, String... names) {
            return issue(commonName, KeyPurposeId.id_kp_serverAuth, names);
        }

        /** A client certificate. */
        public Issued issueClient(String commonName) {
            return issue(commonName, KeyPurposeId.id_kp_clientAuth);
        }

        private Issued issue(String commonName, KeyPurposeId purpose, String... names) {
            KeyPair subjectKeys = keyPair();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), notBefore(), notAfter(),
                    new X500Name("CN=" + commonName), subjectKeys.getPublic());
            return new Issued(subjectKeys, sign(builder, keys, false, purpose, names), certificate);
        }

        public String pem() {
            return TestCertificates.pem(certificate);
        }

        /** A truststore holding only this CA. */
        public Path writeTruststore(Path file, String type, String password) {
            try {
                KeyStore store = KeyStore.getInstance(type);
                store.load(null, null);
                store.setCertificateEntry("test-ca", certificate);
                return write(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An issued certificate, its key and its issuer. */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {

        /** A keystore with the key under {@code keyPassword} and the chain (certificate, issuer). */
        public Path writeKeystore(Path file, String type, String storePassword, String keyPassword) {
            try {
                KeyStore store = keyStore(type, keyPassword);
                return write(store, file, storePassword);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A server context with this certificate, trusting {@code clientCa} (or nothing) for client certificates. */
        public SSLContext serverContext(Ca clientCa) {
            try {
                char[] pw = "server-key".toCharArray();
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore("PKCS12", "server-key"), pw);
                TrustManagerFactory tmf = null;
                if (clientCa != null) {
                    KeyStore trust = KeyStore.getInstance("PKCS12");
                    trust.load(null, null);
                    trust.setCertificateEntry("client-ca", clientCa.certificate());
                    tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trust);
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private KeyStore keyStore(String type, String keyPassword) throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setKeyEntry("key", keys.getPrivate(), keyPassword.toCharArray(), new Certificate[]{certificate, issuer});
            return store;
        }
    }

    /** The PEM text of a certificate. */
    public static String pem(X509Certificate certificate) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(KeyStore store, Path file, String password) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password == null ? new char[0] : password.toCharArray());
        }
        return file;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys, boolean ca, KeyPurposeId purpose,
                                        String[] names) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (names != null && names.length > 0) {
                GeneralName[] alt = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    String n = names[i];
                    alt[i] = n.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, n.substring(3))
                            : new GeneralName(GeneralName.dNSName, n.startsWith("DNS:") ? n.substring(4) : n);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(issuerKeys.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }
}
