package io.ltx2.connect.api;

import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TlsContextFactory}: each trust form, the client keystore, and failures that name the key and never the password. */
class TlsContextFactoryTest {
    private static final String PASSWORD = "pw-LEAKCHECK-5";

    private static TestCertificates.Ca ca;
    private static TestCertificates.Ca other;

    @TempDir
    Path dir;

    @BeforeAll
    static void cas() {
        ca = TestCertificates.newCa("first CA");
        other = TestCertificates.newCa("second CA");
    }

    private static X509Certificate[] anchors(TrustManager[] managers) {
        return Arrays.stream(managers).filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
                .findFirst().orElseThrow().getAcceptedIssuers();
    }

    private static TlsSettings pemText(String pem) {
        return new TlsSettings(null, pem, null, null, null, true);
    }

    private static TlsSettings truststore(Path file, String type, String password) {
        return new TlsSettings(new TlsSettings.KeyStoreFile(file, type, password == null ? null : new Password(password)),
                null, null, null, null, true);
    }

    @Test
    void nothingConfiguredMeansTheJvmsTrustAndNoClientCertificate() {
        assertThat(TlsContextFactory.trustManagers(TlsSettings.DEFAULT)).isNull();
        assertThat(TlsContextFactory.keyManagers(TlsSettings.DEFAULT)).isNull();
        assertThat(TlsContextFactory.create(TlsSettings.DEFAULT).getProtocol()).isEqualTo("TLS");
    }

    @Test
    void pemTextWithSeveralCertificatesTrustsEachAndOnlyThem() {
        String both = "# our CAs\n" + ca.pem() + "\n" + other.pem();
        assertThat(anchors(TlsContextFactory.trustManagers(pemText(both)))).containsExactlyInAnyOrder(ca.certificate(), other.certificate());

        String oneLine = ca.pem().replace('\n', ' ');
        assertThat(anchors(TlsContextFactory.trustManagers(pemText(oneLine)))).as("line breaks given as spaces").containsExactly(ca.certificate());
    }

    @Test
    void pemFilePkcs12AndJksTruststoresLoad() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), ca.pem());
        assertThat(anchors(TlsContextFactory.trustManagers(new TlsSettings(null, null, pem, null, null, true)))).containsExactly(ca.certificate());
        Path p12 = ca.writeTruststore(dir.resolve("t.p12"), "PKCS12", PASSWORD);
        assertThat(anchors(TlsContextFactory.trustManagers(truststore(p12, "PKCS12", PASSWORD)))).containsExactly(ca.certificate());
        Path jks = ca.writeTruststore(dir.resolve("t.jks"), "JKS", PASSWORD);
        assertThat(anchors(TlsContextFactory.trustManagers(truststore(jks, "JKS", PASSWORD)))).containsExactly(ca.certificate());
        assertThat(anchors(TlsContextFactory.trustManagers(truststore(p12, "JKS", PASSWORD)))).as("JKS reads PKCS12 too").containsExactly(ca.certificate());
    }

    @Test
    void badTrustFailsNamingTheKeyAndNeverThePassword() throws Exception {
        Path p12 = ca.writeTruststore(dir.resolve("t.p12"), "PKCS12", PASSWORD);
        assertThatThrownBy(() -> TlsContextFactory.trustManagers(truststore(p12, "PKCS12", "not-the-" + PASSWORD)))
                .hasMessageContaining("ltx.api.ssl.truststore.location").hasMessageContaining("ltx.api.ssl.truststore.password")
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> TlsContextFactory.trustManagers(truststore(dir.resolve("missing.jks"), "JKS", null)))
                .hasMessageContaining("missing.jks").hasMessageContaining("no such file");
        assertThatThrownBy(() -> TlsContextFactory.trustManagers(pemText("not a certificate")))
                .hasMessageContaining("ltx.api.ssl.truststore.certificates").hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> TlsContextFactory.trustManagers(pemText("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")))
                .hasMessageContaining("certificate 1 is not a valid PEM certificate");
        assertThatThrownBy(() -> TlsContextFactory.trustManagers(new TlsSettings(null, null, dir.resolve("none.pem"), null, null, true)))
                .hasMessageContaining("ltx.api.ssl.truststore.pem.location");
    }

    @Test
    void aClientKeystoreGivesKeyManagersWithTheKeyPasswordOrTheStores() {
        TestCertificates.Issued client = ca.issueClient("client");
        Path sameKeyPassword = client.writeKeystore(dir.resolve("same.p12"), "PKCS12", PASSWORD, PASSWORD);
        Path ownKeyPassword = client.writeKeystore(dir.resolve("own.jks"), "JKS", PASSWORD, "key-" + PASSWORD);

        KeyManager[] managers = TlsContextFactory.keyManagers(new TlsSettings(null, null, null,
                new TlsSettings.KeyStoreFile(sameKeyPassword, "PKCS12", new Password(PASSWORD)), null, true));
        assertThat(managers).isNotEmpty();
        assertThat(TlsContextFactory.keyManagers(new TlsSettings(null, null, null,
                new TlsSettings.KeyStoreFile(ownKeyPassword, "JKS", new Password(PASSWORD)), new Password("key-" + PASSWORD), true))).isNotEmpty();

        assertThatThrownBy(() -> TlsContextFactory.keyManagers(new TlsSettings(null, null, null,
                new TlsSettings.KeyStoreFile(ownKeyPassword, "JKS", new Password(PASSWORD)), null, true)))
                .hasMessageContaining("ltx.api.ssl.key.password").hasMessageNotContaining(PASSWORD);
        Path onlyCertificates = ca.writeTruststore(dir.resolve("certs.p12"), "PKCS12", PASSWORD);
        assertThatThrownBy(() -> TlsContextFactory.keyManagers(new TlsSettings(null, null, null,
                new TlsSettings.KeyStoreFile(onlyCertificates, "PKCS12", new Password(PASSWORD)), null, true)))
                .hasMessageContaining("holds no private key");
    }

    @Test
    void settingsAllowOneTrustSourceAndHidePasswords() {
        assertThatThrownBy(() -> new TlsSettings(new TlsSettings.KeyStoreFile(Path.of("t.jks"), "JKS", null), ca.pem(), null, null, null, true))
                .hasMessageContaining("one way only");
        assertThatThrownBy(() -> new TlsSettings(null, null, null, null, new Password("k"), true)).hasMessageContaining("keystore");
        TlsSettings s = new TlsSettings(new TlsSettings.KeyStoreFile(Path.of("/etc/t.jks"), "JKS", new Password(PASSWORD)), null, null,
                new TlsSettings.KeyStoreFile(Path.of("/etc/k.p12"), "PKCS12", new Password(PASSWORD)), new Password(PASSWORD), false);
        assertThat(s.toString()).contains("/etc/t.jks", "/etc/k.p12", "hostname verification off").doesNotContain(PASSWORD);
        assertThat(s.replacesJvmTrust()).isTrue();
        assertThat(TlsSettings.DEFAULT.customized()).isFalse();
    }
}
