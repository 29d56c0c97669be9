package io.ltx2.connect.reliability;

import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.it.TestLogFile;
import io.ltx2.connect.s3local.LocalS3;
import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Invariant 6 and the callback receiver's defences, on a full pipeline: the API key, the callback
 * token, a tracking-client secret and the archive's static S3 keys (the source archives every video to
 * S3Proxy) are distinctive strings given through a config provider,
 * and after the run they are searched for everywhere the run left text: every log file, the REST
 * API's connector configs, task configs and task traces, and every topic the connectors wrote.
 */
class SecretsAndCallbackSecurityIT {
    private static final String KEY = "sk-CANARY-apikey-4e7d19b2c6";
    private static final String WRONG_KEY = "sk-CANARY-wrongkey-8a2f60d3";
    private static final String TOKEN = "CANARY-cbtoken-0f9e8d7c6b";
    private static final String TRACKING_SECRET = "CANARY-jaas-pw-5c4b3a29";
    private static final String S3_KEY_ID = "CANARY-s3keyid-71c2e94d";
    private static final String S3_SECRET = "CANARY-s3secret-b83f05a6e1d4";
    private static final List<String> SECRETS = List.of(KEY, WRONG_KEY, TOKEN, TRACKING_SECRET, S3_KEY_ID, S3_SECRET);

    private static EmbeddedConnectCluster connect;
    private static Path secrets;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeAll
    static void startCluster() throws IOException {
        secrets = Files.createTempFile("ltx-rel-secrets", ".properties");
        connect = ItCluster.shared();
    }

    @AfterAll
    static void stopCluster() throws IOException {
        ItCluster.releaseShared();
        if (secrets != null) {
            Files.deleteIfExists(secrets);
        }
    }

    private int post(String url, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void secretsAppearNowhereAndTheCallbackReceiverRefusesWhatItMust() throws Exception {
        int port = Pipeline.freePort();
        String callbackUrl = "http://127.0.0.1:" + port + "/callback/" + TOKEN;
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + TRACKING_SECRET + "\";";
        Files.writeString(secrets, "key=" + KEY + "\nwrong=" + WRONG_KEY + "\ntoken=" + TOKEN + "\ncallback=" + callbackUrl
                + "\njaas=" + jaas.replace("\\", "\\\\") + "\ns3id=" + S3_KEY_ID + "\ns3secret=" + S3_SECRET + "\n");
        String provided = "${file:" + secrets + ":";
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).timeScale(Pipeline.TIME_SCALE).resultBytes(20_000).build().start();
             LocalS3 s3 = LocalS3.withCredentials(S3_KEY_ID, S3_SECRET, "secure-archive")) {
            Pipeline p = new Pipeline("secure", connect, sim);
            for (Map<String, String> props : List.of(p.sinkProps, p.sourceProps)) {
                props.put("tasks.max", "1");
                props.put("ltx.api.key", provided + "key}");
                // Client overrides under ltx.tracking.: a TLS setting and a SASL secret, on a PLAINTEXT test broker.
                props.put("ltx.tracking.security.protocol", "PLAINTEXT");
                props.put("ltx.tracking.ssl.truststore.type", "PKCS12");
                props.put("ltx.tracking.sasl.jaas.config", provided + "jaas}");
            }
            p.sinkProps.put("ltx.request.type", "callback");
            p.sinkProps.put("ltx.callback.url", provided + "callback}");
            p.sourceProps.put("ltx.callback.enabled", "true");
            p.sourceProps.put("ltx.callback.listener.host", "127.0.0.1");
            p.sourceProps.put("ltx.callback.listener.port", String.valueOf(port));
            p.sourceProps.put("ltx.callback.token", provided + "token}");
            p.sourceProps.put("ltx.callback.max.body.bytes", "4096");
            p.sourceProps.putAll(s3.connectorConfig("secure-archive"));
            p.sourceProps.put("ltx.archive.access.key.id", provided + "s3id}");
            p.sourceProps.put("ltx.archive.secret.access.key", provided + "s3secret}");
            p.start();
            List<String> ids = p.produce(30);
            PipelineLedger ledger = PipelineLedger.settle("security run (callback mode, secrets via config provider)", p.startedNanos, sim,
                    connect.kafka().bootstrapServers(), p.events, ids, Duration.ofSeconds(60), Duration.ofSeconds(2));
            ledger.assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
            assertThat(ledger.stats.callbacksDelivered()).as("callbacks reached the receiver").isPositive();
            assertThat(s3.keys("secure-archive")).as("the videos were archived with the keys from the config provider").hasSize(30);

            // The receiver: no token, a wrong token, an oversized body are refused; a replay emits nothing new.
            String taskId = sim.taskIds().get(0);
            String genuine = "{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"" + taskId + "\",\"state\":\"success\","
                    + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://evil.test/replayed.mp4\\\"]}\"}}";
            assertThat(post("http://127.0.0.1:" + port + "/callback", genuine, Map.of())).as("unauthenticated").isEqualTo(401);
            assertThat(post("http://127.0.0.1:" + port + "/callback/CANARY-not-the-token-000", genuine, Map.of())).as("forged token").isEqualTo(403);
            assertThat(post(callbackUrl, "{\"pad\":\"" + "x".repeat(8_000) + "\"}", Map.of())).as("oversized").isEqualTo(413);
            assertThat(post(callbackUrl, genuine, Map.of())).as("replay of a delivered callback is stored").isEqualTo(200);
            assertThat(post(callbackUrl, genuine, Map.of())).isEqualTo(200);
            // Binds only where configured: not reachable on the machine's other addresses.
            for (InetAddress other : otherLocalAddresses()) {
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other, port), 1_000);
                    }
                }).as("receiver reachable on " + other).isInstanceOf(IOException.class);
            }
            PipelineLedger afterReplay = PipelineLedger.settle("security run after forged and replayed callbacks", p.startedNanos, sim,
                    connect.kafka().bootstrapServers(), p.events, ids, Duration.ofSeconds(10), Duration.ofSeconds(3));
            afterReplay.assertExactlyOneEventPerRequest();
            assertThat(afterReplay.lastEventByRequest.values().toString()).doesNotContain("evil.test");

            // A wrong key fails the task fast, with a clear message and no key in the trace.
            Map<String, String> wrong = new java.util.HashMap<>(p.sinkProps);
            wrong.put("ltx.api.key", provided + "wrong}");
            wrong.put("topics", p.requests);
            // Its own tracking topic: on the shared one, its dedup scan would find every request already submitted.
            wrong.put("ltx.tracking.topic", p.tracking + "-wrongkey");
            connect.kafka().createTopic(p.tracking + "-wrongkey", 1);
            connect.configureConnector("sink-secure-wrongkey", wrong);
            connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("sink-secure-wrongkey", 1, "a refused key must fail the task");
            String wrongStatus = get(connect.endpointForResource("connectors/sink-secure-wrongkey/status"));
            assertThat(wrongStatus).contains("ltx.api.key");

            // Everything the run left as text.
            List<String> texts = new ArrayList<>();
            texts.add(wrongStatus);
            for (String name : List.of(p.sinkName, p.sourceName, "sink-secure-wrongkey")) {
                texts.add(get(connect.endpointForResource("connectors/" + name)));
                texts.add(get(connect.endpointForResource("connectors/" + name + "/config")));
                texts.add(get(connect.endpointForResource("connectors/" + name + "/tasks")));
                texts.add(get(connect.endpointForResource("connectors/" + name + "/status")));
            }
            for (String topic : List.of(p.events, p.tracking, p.dlq)) {
                for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(20_000, topic)) {
                    texts.add(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
                    texts.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                    r.headers().forEach(h -> texts.add(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
                }
            }
            List<Path> logs = logFiles();
            assertThat(logs).as("log files to scan").isNotEmpty();
            for (String secret : SECRETS) {
                assertThat(texts).as("secret " + secret.substring(0, 12) + "... leaked").allSatisfy(t -> assertThat(t).doesNotContain(secret));
            }
            for (Path log : logs) {
                assertNoSecretIn(log);
            }
            String allLogs = Files.readString(TestLogFile.path(), StandardCharsets.ISO_8859_1); // the log of the tasks it ran

            // The ltx.tracking. overrides reached every tracking client the connectors built.
            for (String clientId : List.of("ltx-sink-tracking-" + p.sinkName, "ltx-sink-reader-" + p.sinkName, p.sourceName + "-tracking-reader")) {
                String block = configBlock(allLogs, clientId);
                assertThat(block).as(clientId).contains("ssl.truststore.type = PKCS12").contains("sasl.jaas.config = [hidden]")
                        .contains("security.protocol = PLAINTEXT");
            }
            connect.deleteConnector("sink-secure-wrongkey");
            p.deleteConnectors();
        }
    }

    /** The "XxxConfig values:" block Kafka logs for the client whose client.id starts with {@code clientId}. */
    private static String configBlock(String logs, String clientId) {
        Matcher m = Pattern.compile("(?s)(Producer|Consumer)Config values: \\n(.*?)\\n(?=\\S)").matcher(logs);
        while (m.find()) {
            if (m.group(2).contains("client.id = " + clientId)) {
                return m.group(2);
            }
        }
        return "";
    }

    private static List<InetAddress> otherLocalAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static List<Path> logFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(Path.of("target", "test-logs"), Path.of("target", "failsafe-reports"), Path.of("target", "surefire-reports"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(Files::isRegularFile).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** Line by line: the other test JVMs' logs may be large (-Plong's runs write hundreds of MB). */
    private static void assertNoSecretIn(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            lines.filter(line -> SECRETS.stream().anyMatch(line::contains)).findFirst().ifPresent(line -> assertThat(line)
                    .as("a secret leaked in " + file).doesNotContain(SECRETS.stream().filter(line::contains).findFirst().orElseThrow()));
        }
    }
}
