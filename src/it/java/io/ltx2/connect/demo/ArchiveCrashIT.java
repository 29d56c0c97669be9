package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.s3local.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once across a crash between upload and event, in production shape: a real Connect worker
 * process running the packaged plugin (exactly-once source, as the demo configs deploy it) archives to an
 * S3-compatible store (S3Proxy in this JVM). The store's test fault holds every upload's acknowledgement
 * after the object is stored, so objects exist whose events cannot be written yet; the worker is
 * SIGKILLed then, and a new worker takes over. Read with read_committed, the events topic holds exactly
 * one event per request, each naming its archived copy, and the bucket holds exactly one object per
 * video (the replacement wrote the same keys again), byte for byte the result file.
 */
class ArchiveCrashIT {
    private static final double TIME_SCALE = 0.05;
    private static final int BEFORE = 4;
    private static final int REQUESTS = 16;
    private static final int RESULT_BYTES = 1024 * 1024; // the simulator jar's default
    private static final String BUCKET = "crash-archive";
    private static final Path RUN_DIR = Path.of("target", "archive-crash-it");

    private static DemoEnvironment env;
    private static Path workerTemplate;
    private static LocalS3 s3;
    private static LocalConnectWorker replacement;

    @BeforeAll
    static void startBrokerWorkerSimulatorAndStore() throws Exception {
        Files.createDirectories(RUN_DIR);
        // A Connect cluster of its own on the broker the crash tests share; a dead worker's tasks reassigned after 2 s.
        workerTemplate = SharedBroker.workerTemplate(RUN_DIR, "archive-crash-it");
        s3 = LocalS3.start(BUCKET);
        env = DemoEnvironment.start(new DemoEnvironment.Settings(RUN_DIR,
                Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir")), Path.of(RealPipeline.requiredProperty("ltx.plugin.zip")),
                workerTemplate, SharedBroker.bootstrapServers(), null, null, TIME_SCALE, DemoMain.SIMULATOR_KEY), line -> System.out.println("ArchiveCrashIT: " + line));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (replacement != null) {
            replacement.close();
        }
        if (env != null) {
            env.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void sigkillBetweenUploadAndEventLeavesOneObjectPerVideoAndOneEventPerRequest() throws Exception {
        Map<String, String> archive = new HashMap<>(s3.connectorConfig(BUCKET));
        archive.put("ltx.archive.key.prefix", "crash/");
        RealPipeline pipeline = RealPipeline.deploy(env, "archcrash", TIME_SCALE, Map.of(), archive);
        List<SampleRequest> first = requests(0, BEFORE);
        List<SampleRequest> rest = requests(BEFORE, REQUESTS);
        Set<String> ids = new java.util.HashSet<>();
        first.forEach(r -> ids.add(r.requestId()));
        rest.forEach(r -> ids.add(r.requestId()));

        try (PipelineMonitor monitor = pipeline.monitor(env, ids)) {
            DemoTopics.produce(env.bootstrapServers(), pipeline.requests(), first);
            await(monitor, p -> p.terminal() >= BEFORE, Duration.ofSeconds(120));
            assertThat(monitor.events()).as("archived before the crash").hasSize(BEFORE);

            s3.holdAcknowledgements(true);
            DemoTopics.produce(env.bootstrapServers(), pipeline.requests(), rest);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while ((s3.heldAcknowledgements() < 2 || objects().size() < BEFORE + 2) && System.nanoTime() < deadline) {
                monitor.poll(Duration.ofMillis(200));
            }
            int objectsAtKill = objects().size();
            int eventsAtKill = monitor.events().size();
            long writesAtKill = s3.writes();
            assertThat(objectsAtKill).as("objects stored whose uploads are not acknowledged").isGreaterThan(BEFORE);
            assertThat(eventsAtKill).as("no event while every upload waits for its acknowledgement").isEqualTo(BEFORE);

            JavaProcess worker = env.processes().stream().filter(p -> p.name().equals("connect")).findFirst().orElseThrow();
            worker.kill();
            long killedAt = System.nanoTime();
            assertThat(worker.isAlive()).isFalse();
            s3.holdAcknowledgements(false);
            Path dir = RUN_DIR.resolve("replacement");
            replacement = LocalConnectWorker.start(new KafkaRuntime(Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir"))),
                    dir, workerTemplate, env.bootstrapServers(), RUN_DIR.resolve("plugins"));

            PipelineMonitor.Progress progress = await(monitor, p -> p.terminal() >= REQUESTS, Duration.ofSeconds(180));
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            monitor.poll(Duration.ofSeconds(3)); // a duplicate would arrive now
            List<String> keys = objects();
            System.out.printf("ArchiveCrashIT: %d requests (%d videos), SIGKILL with %d objects stored and %d events out (%d uploads "
                            + "stored, acknowledgements held); after the replacement: %d events, %d duplicate events, %d objects, %d uploads "
                            + "stored in all (the replacement wrote the unacknowledged keys again); all events %.1f s after the kill%n",
                    REQUESTS, REQUESTS, objectsAtKill, eventsAtKill, writesAtKill, monitor.events().size(), monitor.duplicateEvents(),
                    keys.size(), s3.writes(), seconds);

            assertThat(monitor.events().keySet()).as("one event per request; %s", progress.line()).isEqualTo(ids);
            assertThat(monitor.duplicateEvents()).as("duplicate events under read_committed").isZero();
            assertThat(keys).as("one object per video").hasSize(REQUESTS);
            List<String> named = new ArrayList<>();
            for (JsonNode e : monitor.events().values()) {
                assertThat(e.path("state").asText()).isEqualTo("success");
                assertThat(e.path("archiveFailure").isNull()).as(e.toString()).isTrue();
                assertThat(e.path("archivedUrls")).hasSize(1);
                String key = e.path("archivedUrls").get(0).asText().substring(("s3://" + BUCKET + "/").length());
                named.add(key);
                byte[] stored = s3.read(BUCKET, key);
                assertThat(stored).as(key).hasSize(RESULT_BYTES);
                assertThat(s3.metadata(BUCKET, key)).containsEntry("sha256", sha256(stored));
            }
            assertThat(named).as("every object is named by exactly one event").containsExactlyInAnyOrderElementsOf(keys);
            assertThat(s3.writes()).as("the unacknowledged uploads were written again, to the same keys").isGreaterThan(writesAtKill);
        }
    }

    private static List<String> objects() {
        return s3.keys(BUCKET).stream().filter(k -> k.startsWith("crash/")).collect(Collectors.toList());
    }

    private static List<SampleRequest> requests(int from, int to) {
        List<SampleRequest> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String id = String.format("archcrash-%03d", i);
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("request_id", id);
            value.put("prompt", "Archive crash scene " + id);
            value.put("resolution", "480p");
            value.put("duration", 5);
            out.add(new SampleRequest(id, "archive crash " + i, "success", value));
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static PipelineMonitor.Progress await(PipelineMonitor monitor, Predicate<PipelineMonitor.Progress> done, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        PipelineMonitor.Progress progress = monitor.progress();
        while (!done.test(progress) && System.nanoTime() < deadline) {
            progress = monitor.poll(Duration.ofMillis(200));
        }
        return progress;
    }
}
