package io.ltx2.connect.api;

import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ltx2.connect.api.ApiFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LtxApiClient} against the simulator serving HTTPS with a certificate from a test CA:
 * trust given in each of its forms, no trust, a host name that does not match, a client certificate.
 */
class LtxApiClientTlsTest {
    private static final String KEY = "sk-TLSCHECK-41d7e0";
    private static final String STORE_PASSWORD = "store-PW-LEAKCHECK-1";
    private static final String KEY_PASSWORD = "key-PW-LEAKCHECK-2";
    private static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private static TestCertificates.Ca ca;
    private static TestCertificates.Issued localServer;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.newCa("LTX test CA");
        localServer = ca.issueServer("simulator", "IP:127.0.0.1", "DNS:localhost");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The forms the trusted CA can be given in. */
    enum TrustForm { PEM_TEXT, PEM_FILE, PKCS12, JKS }

    private TlsSettings trusting(TrustForm form) throws Exception {
        return switch (form) {
            case PEM_TEXT -> new TlsSettings(null, ca.pem(), null, null, null, true);
            case PEM_FILE -> new TlsSettings(null, null, Files.writeString(dir.resolve("ca.pem"), ca.pem()), null, null, true);
            case PKCS12 -> new TlsSettings(new TlsSettings.KeyStoreFile(ca.writeTruststore(dir.resolve("trust.p12"), "PKCS12", STORE_PASSWORD),
                    "PKCS12", new Password(STORE_PASSWORD)), null, null, null, null, true);
            case JKS -> new TlsSettings(new TlsSettings.KeyStoreFile(ca.writeTruststore(dir.resolve("trust.jks"), "JKS", STORE_PASSWORD),
                    "JKS", new Password(STORE_PASSWORD)), null, null, null, null, true);
        };
    }

    private ApiSimulator https(SSLContext context, boolean needClientAuth) throws Exception {
        ApiSimulator.Builder builder = ApiSimulator.builder().apiKey(KEY).timeScale(0.01);
        ApiSimulator sim = (needClientAuth ? builder.tlsRequiringClientCertificate(context) : builder.tls(context)).build().start();
        open.add(sim);
        return sim;
    }

    private LtxApiClient client(ApiSimulator sim, TlsSettings tls) {
        LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password(KEY), sim.model(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 100_000, FAST_RETRIES, TransportSettings.DEFAULT.withTls(tls),
                Redaction.NONE));
        open.add(client);
        return client;
    }

    private static CreateTaskRequest request() {
        return new CreateTaskRequest(null, null, null, new GenerationInput(null, "A fox over TLS", "480p", 5, null, null, null, null));
    }


    /** Creates a task and reads its status: the whole contract works over this connection. */
    private static void createAndReadStatus(LtxApiClient client) throws Exception {
        String taskId = client.createTask(request()).get(10, TimeUnit.SECONDS);
        TaskStatus status = client.getStatus(taskId).get(10, TimeUnit.SECONDS);
        assertThat(status.taskId()).isEqualTo(taskId);
    }

    @ParameterizedTest
    @EnumSource(TrustForm.class)
    void aClientTrustingTheTestCaCreatesATaskAndReadsItsStatus(TrustForm form) throws Exception {
        ApiSimulator sim = https(localServer.serverContext(null), false);
        assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:");

        createAndReadStatus(client(sim, trusting(form)));

        assertThat(sim.stats().createCalls()).isEqualTo(1);
        assertThat(sim.stats().statusCalls()).isEqualTo(1);
    }

    @Test
    void withoutTheCaTheCallFailsAtOnceAsACertificateProblemNamingTheTruststoreKeys() throws Exception {
        ApiSimulator sim = https(localServer.serverContext(null), false);
        LtxApiClient client = client(sim, TlsSettings.DEFAULT); // the JVM's CAs: the test CA is not among them

        LtxApiException e = failure(client.createTask(request()));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(e.kind().retryable()).isFalse();
        assertThat(e.mayHaveBeenProcessed()).isFalse();
        assertThat(e.getMessage()).contains("TLS certificate problem", "is not trusted", "ltx.api.ssl.truststore.location",
                "ltx.api.ssl.truststore.certificates");
        assertThat(client.stats().retries()).isZero();
        assertThat(sim.stats().createCalls()).isZero();
    }

    @Test
    void aCertificateForAnotherHostFailsWhileHostnameVerificationIsOnAndPassesWhenItIsOff() throws Exception {
        TestCertificates.Issued otherHost = ca.issueServer("elsewhere", "DNS:api.elsewhere.test");
        ApiSimulator sim = https(otherHost.serverContext(null), false);

        LtxApiException e = failure(client(sim, new TlsSettings(null, ca.pem(), null, null, null, true)).getStatus("t"));
        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(e.getMessage()).contains("TLS certificate problem", "does not match", "127.0.0.1",
                "ltx.api.ssl.endpoint.identification.enabled");
        assertThat(sim.stats().statusCalls()).isZero();

        try (CapturedLogs logs = new CapturedLogs()) {
            createAndReadStatus(client(sim, new TlsSettings(null, ca.pem(), null, null, null, false)));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("Hostname verification", "OFF"));
        }
    }

    @Test
    void aClientCertificateRequiredByTheServerIsPresentedWhenConfigured() throws Exception {
        TestCertificates.Ca clientCa = TestCertificates.newCa("LTX test client CA");
        ApiSimulator sim = https(localServer.serverContext(clientCa), true);
        Path keystore = clientCa.issueClient("ltx-connector").writeKeystore(dir.resolve("client.p12"), "PKCS12", STORE_PASSWORD, KEY_PASSWORD);
        TlsSettings withCertificate = new TlsSettings(null, ca.pem(), null,
                new TlsSettings.KeyStoreFile(keystore, "PKCS12", new Password(STORE_PASSWORD)), new Password(KEY_PASSWORD), true);

        createAndReadStatus(client(sim, withCertificate));

        LtxApiException without = failure(client(sim, new TlsSettings(null, ca.pem(), null, null, null, true)).getStatus("t"));
        assertThat(without.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(without.getMessage()).contains("TLS certificate problem", "client certificate", "ltx.api.ssl.keystore.location");
        assertThat(without.mayHaveBeenProcessed()).isFalse();

        Path strangers = TestCertificates.newCa("another CA").issueClient("stranger")
                .writeKeystore(dir.resolve("stranger.p12"), "PKCS12", STORE_PASSWORD, STORE_PASSWORD);
        LtxApiException untrusted = failure(client(sim, new TlsSettings(null, ca.pem(), null,
                new TlsSettings.KeyStoreFile(strangers, "PKCS12", new Password(STORE_PASSWORD)), null, true)).getStatus("t"));
        assertThat(untrusted.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(untrusted.getMessage()).contains("client certificate");
        assertThat(sim.stats().statusCalls()).isEqualTo(1);
    }

    @Test
    void storePasswordsNeverAppearInLogsExceptionsOrToString() throws Exception {
        ApiSimulator sim = https(localServer.serverContext(null), false);
        Path keystore = ca.issueClient("c").writeKeystore(dir.resolve("client.jks"), "JKS", STORE_PASSWORD, KEY_PASSWORD);
        TlsSettings tls = new TlsSettings(trusting(TrustForm.PKCS12).truststore(), null, null,
                new TlsSettings.KeyStoreFile(keystore, "JKS", new Password(STORE_PASSWORD)), new Password(KEY_PASSWORD), false);
        List<Throwable> errors = new ArrayList<>();
        StringBuilder everything = new StringBuilder();
        try (CapturedLogs logs = new CapturedLogs()) {
            LtxApiClient client = client(sim, tls);
            createAndReadStatus(client);
            errors.add(failure(client(sim, TlsSettings.DEFAULT).getStatus("t")));
            everything.append(logs.text()).append(client.settings()).append(tls).append(tls.truststore()).append(tls.keystore());
        }
        for (Throwable t : errors) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            everything.append(trace);
        }
        assertThat(everything.toString()).contains("client.jks").doesNotContain(STORE_PASSWORD).doesNotContain(KEY_PASSWORD)
                .doesNotContain("LEAKCHECK").doesNotContain(KEY);
    }
}
