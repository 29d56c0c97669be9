package io.ltx2.connect.api;

import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ltx2.connect.api.ApiFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LtxApiClient} through a real forwarding proxy ({@link TestProxy}, Jetty) on 127.0.0.1: a
 * CONNECT tunnel to the HTTPS simulator, forwarding to the HTTP one, Basic credentials, non-proxy
 * hosts, and the JVM's proxy system properties when no proxy is configured.
 */
class LtxApiClientProxyTest {
    private static final String KEY = "sk-PROXYCHECK-90b1";
    private static final String PROXY_USER = "ltx-connector";
    private static final String PROXY_PASSWORD = "proxy-PW-LEAKCHECK-3";
    private static final List<String> JVM_PROXY_PROPERTIES = List.of("https.proxyHost", "https.proxyPort", "http.proxyHost",
            "http.proxyPort", "http.nonProxyHosts");

    private static TestCertificates.Ca ca;
    private static TestCertificates.Issued server;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, String> savedProperties = new HashMap<>();

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.newCa("LTX proxy test CA");
        server = ca.issueServer("simulator", "IP:127.0.0.1");
    }

    @AfterEach
    void closeAllAndRestoreProperties() throws Exception {
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }

    private ApiSimulator httpsSimulator() throws Exception {
        return opened(ApiSimulator.builder().apiKey(KEY).timeScale(0.01).tls(server.serverContext(null)).build().start());
    }

    private ApiSimulator httpSimulator() throws Exception {
        return opened(ApiSimulator.builder().apiKey(KEY).timeScale(0.01).build().start());
    }

    private LtxApiClient client(ApiSimulator sim, ProxySettings proxy) {
        TransportSettings transport = TransportSettings.DEFAULT.withTls(new TlsSettings(null, ca.pem(), null, null, null, true));
        return opened(new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password(KEY), sim.model(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 100_000, new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)),
                proxy == null ? transport : transport.withProxy(proxy), Redaction.NONE)));
    }

    private static String authority(ApiSimulator sim) {
        return "127.0.0.1:" + sim.port();
    }

    private static void createAndReadStatus(LtxApiClient client) throws Exception {
        String taskId = client.createTask(new CreateTaskRequest(null, null, null,
                new GenerationInput(null, "A fox behind a proxy", "480p", 5, null, null, null, null))).get(10, TimeUnit.SECONDS);
        assertThat(client.getStatus(taskId).get(10, TimeUnit.SECONDS).taskId()).isEqualTo(taskId);
    }


    private void setJvmProperty(String key, String value) {
        for (String k : JVM_PROXY_PROPERTIES) {
            if (!savedProperties.containsKey(k)) { // not putIfAbsent: it overwrites a saved null
                savedProperties.put(k, System.getProperty(k));
            }
        }
        System.setProperty(key, value);
    }

    @Test
    void httpsCallsGoThroughTheProxyInAConnectTunnel() throws Exception {
        TestProxy proxy = opened(TestProxy.open());
        ApiSimulator sim = httpsSimulator();

        createAndReadStatus(client(sim, ProxySettings.of("127.0.0.1", proxy.port())));

        assertThat(proxy.tunnels).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo(authority(sim)));
        assertThat(proxy.forwarded).isEmpty();
        assertThat(sim.stats().createCalls()).isEqualTo(1);
    }

    @Test
    void plainHttpCallsToALocalSimulatorAreForwarded() throws Exception {
        TestProxy proxy = opened(TestProxy.open());
        ApiSimulator sim = httpSimulator();

        createAndReadStatus(client(sim, ProxySettings.of("127.0.0.1", proxy.port())));

        assertThat(proxy.forwarded).hasSize(2)
                .anySatisfy(u -> assertThat(u).startsWith(sim.baseUrl() + "/generateTask/"))
                .anySatisfy(u -> assertThat(u).startsWith(sim.baseUrl() + "/statusTask/"));
        assertThat(proxy.tunnels).isEmpty();
    }

    @Test
    void aProxyThatAsksForCredentialsGetsThem() throws Exception {
        TestProxy proxy = opened(TestProxy.requiring(PROXY_USER, PROXY_PASSWORD));
        ApiSimulator sim = httpsSimulator();

        createAndReadStatus(client(sim, new ProxySettings("127.0.0.1", proxy.port(), PROXY_USER, new Password(PROXY_PASSWORD), List.of())));

        assertThat(proxy.challenged.get()).as("the proxy's 407 challenges").isPositive();
        assertThat(proxy.tunnels).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo(authority(sim)));
    }

    @Test
    void aWrongProxyPasswordFailsAtOnceWithAClearErrorThatDoesNotRepeatIt() throws Exception {
        TestProxy proxy = opened(TestProxy.requiring(PROXY_USER, PROXY_PASSWORD));
        ApiSimulator sim = httpsSimulator();
        String wrong = "wrong-PW-LEAKCHECK-4";
        LtxApiClient client = client(sim, new ProxySettings("127.0.0.1", proxy.port(), PROXY_USER, new Password(wrong), List.of()));

        LtxApiException e = failure(client.getStatus("t"));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(e.httpStatus()).isEqualTo(407);
        assertThat(e.getMessage()).contains("407", "proxy", "ltx.api.proxy.username", "ltx.api.proxy.password").doesNotContain(wrong);
        assertThat(e.mayHaveBeenProcessed()).isFalse();
        assertThat(proxy.tunnels).isEmpty();
        assertThat(sim.stats().statusCalls()).isZero();
        assertThat(failure(client(sim, ProxySettings.of("127.0.0.1", proxy.port())).getStatus("t")).kind())
                .as("no credentials at all").isEqualTo(ApiErrorKind.TRANSPORT);
    }

    @Test
    void nonProxyHostsGoDirect() throws Exception {
        TestProxy proxy = opened(TestProxy.open());
        ApiSimulator sim = httpsSimulator();

        createAndReadStatus(client(sim, new ProxySettings("127.0.0.1", proxy.port(), null, null, List.of("*.internal", "127.0.0.*"))));

        assertThat(proxy.requests()).isZero();
        assertThat(sim.stats().createCalls()).isEqualTo(1);
    }

    @Test
    void withoutLtxProxyKeysTheJvmProxyPropertiesAreFollowed() throws Exception {
        TestProxy proxy = opened(TestProxy.open());
        ApiSimulator sim = httpsSimulator();
        setJvmProperty("https.proxyHost", "127.0.0.1");
        setJvmProperty("https.proxyPort", Integer.toString(proxy.port()));
        // The JVM sends localhost and 127.* direct, and adds them to any non-empty http.nonProxyHosts;
        // only an empty value lets a test proxy the simulator on 127.0.0.1.
        setJvmProperty("http.nonProxyHosts", "");

        createAndReadStatus(client(sim, null));
        assertThat(proxy.tunnels).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo(authority(sim)));

        int before = proxy.requests();
        setJvmProperty("http.nonProxyHosts", "127.0.0.1|localhost");
        createAndReadStatus(client(sim, null));
        assertThat(proxy.requests()).as("http.nonProxyHosts honoured too").isEqualTo(before);
    }

    @Test
    void theProxyPasswordNeverAppearsInLogsExceptionsOrToString() throws Exception {
        TestProxy proxy = opened(TestProxy.requiring(PROXY_USER, PROXY_PASSWORD));
        ApiSimulator sim = httpsSimulator();
        ProxySettings settings = new ProxySettings("127.0.0.1", proxy.port(), PROXY_USER, new Password(PROXY_PASSWORD), List.of("*.internal"));
        StringBuilder everything = new StringBuilder();
        try (CapturedLogs logs = new CapturedLogs()) {
            LtxApiClient client = client(sim, settings);
            createAndReadStatus(client);
            LtxApiException refused = failure(client(sim, ProxySettings.of("127.0.0.1", proxy.port())).getStatus("t"));
            StringWriter trace = new StringWriter();
            refused.printStackTrace(new PrintWriter(trace));
            everything.append(trace).append(client.settings()).append(settings).append(logs.text());
        }
        assertThat(everything.toString()).contains(PROXY_USER).doesNotContain(PROXY_PASSWORD).doesNotContain("LEAKCHECK").doesNotContain(KEY);
    }
}
