package io.ltx2.connect.source;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.SourceIt;
import io.ltx2.connect.s3local.LocalS3;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.ResultFiles;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.ltx2.connect.it.SourceIt.Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive stage on a real broker and Connect workers with exactly-once source: every success's event
 * names its videos' durable copies, each stored once and byte for byte (S3Proxy in this JVM); an expired
 * result URL and a store outage end in clear events at once and after ltx.archive.max.wait.ms; with the
 * fail policy an outage fails the task with the event held, and after a restart the event comes once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LtxSourceArchiveIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RESULT_BYTES = 200_000;
    private static final String BUCKET = "archive-it";

    private EmbeddedConnectCluster connect;
    private ApiSimulator sim;
    private LtxApiClient client;
    /** Its result URLs expire as their tasks complete. */
    private ApiSimulator expiring;
    private LtxApiClient expiringClient;
    private LocalS3 s3;

    @BeforeAll
    void start() throws Exception {
        s3 = LocalS3.start(BUCKET);
        sim = ApiSimulator.builder().apiKey(SourceIt.API_KEY).timeScale(SourceIt.TIME_SCALE).seed(21).resultBytes(RESULT_BYTES)
                .resultsPerTask(2).build().start();
        client = SourceIt.client(sim);
        expiring = ApiSimulator.builder().apiKey(SourceIt.API_KEY).timeScale(SourceIt.TIME_SCALE).seed(22).resultBytes(RESULT_BYTES)
                .resultsPerTask(2).resultTtl(Duration.ZERO).build().start();
        expiringClient = SourceIt.client(expiring);
        connect = ItCluster.shared();
    }

    @AfterAll
    void stop() throws Exception {
        ItCluster.releaseShared();
        client.close();
        sim.close();
        expiringClient.close();
        expiring.close();
        s3.close();
    }

    private Map<String, String> deploy(String name, Map<String, String> extra) throws InterruptedException {
        return deploy(name, sim, extra);
    }

    private Map<String, String> deploy(String name, ApiSimulator api, Map<String, String> extra) throws InterruptedException {
        String bootstrap = connect.kafka().bootstrapServers();
        connect.kafka().createTopic(name + ".tasks", 2);
        connect.kafka().createTopic(name + ".events", 1);
        Map<String, String> props = SourceIt.connectorProps(bootstrap, api, name + ".tasks", name + ".events", 1);
        props.put("exactly.once.support", "required");
        props.putAll(s3.connectorConfig(BUCKET));
        props.put("ltx.archive.key.prefix", name + "/");
        props.put("ltx.archive.retry.backoff.ms", "100");
        props.put("ltx.archive.retry.backoff.max.ms", "300");
        props.putAll(extra);
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "archive connector did not start");
        return props;
    }

    private List<TrackingRecord> submit(String prefix, int n) throws Exception {
        return submit(client, prefix, n);
    }

    private static List<TrackingRecord> submit(LtxApiClient api, String prefix, int n) throws Exception {
        List<TrackingRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SourceIt.submit(api, prefix + "-" + i, SourceIt.text("Archive " + prefix + " " + i, "480p", 5), "async", null));
        }
        return out;
    }

    @Test
    void everySuccessNamesItsVerifiedCopiesOneObjectPerVideo() throws Exception {
        deploy("arch-ok", Map.of("ltx.archive.presign.ttl.ms", "600000"));
        List<TrackingRecord> records = submit("ok", 6);
        SourceIt.write(connect.kafka().bootstrapServers(), "arch-ok.tasks", records);

        List<Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), "arch-ok.events", 6, WAIT, Duration.ofSeconds(2));
        assertThat(events.stream().collect(Collectors.groupingBy(Event::key, Collectors.counting()))).hasSize(6).allSatisfy((k, c) ->
                assertThat(c).as(k).isEqualTo(1L));
        List<String> keys = s3.keys(BUCKET).stream().filter(k -> k.startsWith("arch-ok/")).toList();
        assertThat(keys).as("one object per video").hasSize(12);
        for (Event e : events) {
            assertThat(e.state()).isEqualTo("success");
            assertThat(e.value().path("archiveFailure").isNull()).isTrue();
            String taskId = e.value().path("taskId").asText();
            for (int i = 0; i < 2; i++) {
                String location = e.value().path("archivedUrls").get(i).asText();
                String key = location.substring(("s3://" + BUCKET + "/").length());
                assertThat(location).startsWith("s3://" + BUCKET + "/arch-ok/").endsWith("/" + e.key() + "/" + taskId + "-" + i + ".mp4");
                assertThat(keys).contains(key);
                byte[] expected = ResultFiles.content(taskId, i, RESULT_BYTES);
                assertThat(s3.read(BUCKET, key)).isEqualTo(expected);
                assertThat(s3.metadata(BUCKET, key)).containsEntry("sha256", sha256(expected));
                assertThat(e.value().path("archivedHttpsUrls").get(i).asText()).startsWith(s3.endpoint() + "/" + BUCKET + "/" + key + "?");
                assertThat(e.value().path("resultUrls").get(i).asText()).startsWith(sim.baseUrl().replace("/api/v1", "/results/"));
            }
        }
    }

    @Test
    void anExpiredResultUrlGivesItsEventAtOnceSayingSo() throws Exception {
        deploy("arch-expired", expiring, Map.of("ltx.archive.max.wait.ms", "600000"));
        List<TrackingRecord> records = submit(expiringClient, "expired", 2);
        long written = System.nanoTime();
        SourceIt.write(connect.kafka().bootstrapServers(), "arch-expired.tasks", records);

        List<Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), "arch-expired.events", 2, WAIT, Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - written)).as("no waiting for ltx.archive.max.wait.ms").isLessThan(Duration.ofSeconds(60));
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.state()).isEqualTo("success");
            assertThat(e.value().path("archivedUrls").isNull()).isTrue();
            assertThat(e.value().path("archiveFailure").asText()).startsWith("RESULT_URL_GONE: HTTP 410 from ").contains("expired");
            assertThat(e.value().path("resultUrls")).hasSize(2);
        });
    }

    @Test
    void aStoreOutageGivesTheEventWithTheOriginalUrlsAfterTheMaximumWait() throws Exception {
        deploy("arch-outage", Map.of("ltx.archive.max.wait.ms", "3000"));
        s3.outage(true);
        try {
            SourceIt.write(connect.kafka().bootstrapServers(), "arch-outage.tasks", submit("outage", 2));
            List<Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), "arch-outage.events", 2, WAIT, Duration.ofSeconds(1));
            assertThat(events).hasSize(2).allSatisfy(e -> {
                assertThat(e.state()).isEqualTo("success");
                assertThat(e.value().path("archivedUrls").isNull()).isTrue();
                assertThat(e.value().path("archiveFailure").asText()).startsWith("STORE_UNAVAILABLE: gave up after ").contains("503");
            });
        } finally {
            s3.outage(false);
        }
        assertThat(s3.keys(BUCKET).stream().filter(k -> k.startsWith("arch-outage/"))).isEmpty();
    }

    @Test
    void withTheFailPolicyAnOutageFailsTheTaskHoldingTheEventWhichComesOnceAfterARestart() throws Exception {
        deploy("arch-fail", Map.of("ltx.archive.max.wait.ms", "2000", "ltx.archive.failure.policy", "fail"));
        s3.outage(true);
        try {
            SourceIt.write(connect.kafka().bootstrapServers(), "arch-fail.tasks", submit("fail", 1));
            await().atMost(WAIT).until(() -> "FAILED".equals(connect.connectorStatus("arch-fail").tasks().get(0).state()));
            assertThat(connect.connectorStatus("arch-fail").tasks().get(0).trace()).contains("ltx.archive.failure.policy is fail")
                    .doesNotContain(LocalS3.SECRET_ACCESS_KEY);
            assertThat(SourceIt.readEvents(connect.kafka().bootstrapServers(), "arch-fail.events", 1, Duration.ofSeconds(3), Duration.ZERO))
                    .as("the event is held").isEmpty();
        } finally {
            s3.outage(false);
        }
        connect.restartTask("arch-fail", 0);
        List<Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), "arch-fail.events", 1, WAIT, Duration.ofSeconds(3));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).value().path("archivedUrls")).hasSize(2);
        assertThat(s3.keys(BUCKET).stream().filter(k -> k.startsWith("arch-fail/"))).hasSize(2);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
