package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.s3local.LocalS3;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorWaits;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive stage inside the task: a success waits for its videos with its request's tracking offsets,
 * so an event of another request emitted meanwhile carries progress that does not cover it; once the
 * upload is acknowledged, the success's event names its copy and its offsets resolve with it; while the
 * queue is full no status call is made.
 */
class ArchiveStageTest {
    private static final String TOPIC = SourceTaskHarness.TOPIC;
    private static ApiSimulator sim;
    private static LtxApiClient client;
    private static LocalS3 s3;

    private final SourceTaskHarness harness = new SourceTaskHarness("id-1");
    private final LtxSourceTask task = harness.task();

    @BeforeAll
    static void startSimulatorAndStore() throws Exception {
        sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).seed(4).resultBytes(50_000).build().start();
        client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 6000, new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(200))));
        s3 = LocalS3.start("stage");
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sim.close();
        s3.close();
    }

    @AfterEach
    void stopTask() {
        s3.holdAcknowledgements(false);
        task.stop();
    }

    private void start(Map<String, Object> storedOffset, Map<String, String> extra) {
        harness.start(sim.baseUrl(), storedOffset, extra);
    }

    private void add(long offset, TrackingRecord r) {
        harness.add(offset, r);
    }

    private List<SourceRecord> pollFor(int n, Duration max) throws InterruptedException {
        return harness.pollFor(n, max);
    }

    private static TrackedRequest request(String requestId, long sourceOffset, GenerationInput input) {
        return new TrackedRequest(new RequestIdentity("sink", "requests", 0, sourceOffset), requestId, "async", "auto", input, Map.of());
    }

    private static GenerationInput fast(String prompt) {
        return new GenerationInput("text-to-video", prompt, "480p", 5, "16:9", null, 1L, null);
    }

    private static long watermark(SourceRecord r) {
        return ((Number) r.sourceOffset().get("watermark")).longValue();
    }

    /**
     * Holds the store's acknowledgements, adds the SUBMITTED record of {@code taskId} at tracking offset 0 and polls
     * until its video is stored and waits for its acknowledgement; returns what was emitted meanwhile.
     */
    private List<SourceRecord> submitHeld(String taskId, String requestId, long sourceOffset, String prompt) throws InterruptedException {
        s3.holdAcknowledgements(true);
        add(0, TrackingRecord.submitted(request(requestId, sourceOffset, fast(prompt)), taskId, 1, List.of(), System.currentTimeMillis()));
        long deadline = System.currentTimeMillis() + 20_000;
        List<SourceRecord> early = new ArrayList<>();
        while (s3.heldAcknowledgements() == 0 && System.currentTimeMillis() < deadline) {
            List<SourceRecord> got = task.poll();
            if (got != null) {
                early.addAll(got);
            }
        }
        return early;
    }

    @Test
    void aSuccessHoldsItsOffsetsUntilItsUploadIsAcknowledgedAndThenNamesItsCopy() throws Exception {
        Map<String, String> archive = new HashMap<>(s3.connectorConfig("stage"));
        start(null, archive);
        String taskId = client.createTask(new CreateTaskRequest("async", null, "auto", fast("held"))).get(10, TimeUnit.SECONDS);
        List<SourceRecord> early = submitHeld(taskId, "req-held", 10, "held");
        assertThat(s3.heldAcknowledgements()).as("the video is stored, its acknowledgement held").isEqualTo(1);
        add(1, TrackingRecord.rejected(request("req-other", 11, null), "INVALID_REQUEST", "bad", List.of(), 1L));
        early.addAll(pollFor(1, Duration.ofSeconds(10)));

        assertThat(early).extracting(r -> (String) r.key()).containsExactly("req-other");
        assertThat(watermark(early.get(0))).as("the held success's record 0 is not covered by another event's progress").isZero();

        s3.holdAcknowledgements(false);
        List<SourceRecord> later = pollFor(1, Duration.ofSeconds(20));
        assertThat(later).extracting(r -> (String) r.key()).containsExactly("req-held");
        Struct event = (Struct) later.get(0).value();
        assertThat(event.<String>getArray("archivedUrls")).singleElement().asString().startsWith("s3://stage/ltx2/").endsWith(taskId + "-0.mp4");
        assertThat(event.getString("archiveFailure")).isNull();
        assertThat(watermark(later.get(0))).as("its offset resolves with its event").isEqualTo(2);
    }

    @Test
    void aMaximumWaitOfLongMaxValueWaitsForTheArchiveInsteadOfOverflowing() throws Exception {
        Map<String, String> archive = new HashMap<>(s3.connectorConfig("stage"));
        archive.put("ltx.archive.max.wait.ms", String.valueOf(Long.MAX_VALUE));
        start(null, archive);
        String taskId = client.createTask(new CreateTaskRequest("async", null, "auto", fast("forever"))).get(10, TimeUnit.SECONDS);
        List<SourceRecord> early = submitHeld(taskId, "req-forever", 30, "forever");
        early.addAll(pollFor(1, Duration.ofSeconds(1)));
        assertThat(early).as("no ARCHIVE_TIMEOUT while the upload is still under way").isEmpty();
        s3.holdAcknowledgements(false);
        List<SourceRecord> later = pollFor(1, Duration.ofSeconds(20));
        assertThat(later).extracting(r -> (String) r.key()).containsExactly("req-forever");
        assertThat(((Struct) later.get(0).value()).getString("archiveFailure")).isNull();
    }

    @Test
    void aFullArchiveQueueHoldsTheStatusCalls() throws Exception {
        Map<String, String> archive = new HashMap<>(s3.connectorConfig("stage"));
        archive.put("ltx.archive.max.queued", "1");
        start(null, archive);
        String first = client.createTask(new CreateTaskRequest("async", null, "auto", fast("first"))).get(10, TimeUnit.SECONDS);
        String second = client.createTask(new CreateTaskRequest("async", null, "auto", fast("second"))).get(10, TimeUnit.SECONDS);
        SimulatorWaits.awaitCompleted(sim, first, second);
        s3.holdAcknowledgements(true);
        add(0, TrackingRecord.submitted(request("req-1", 20, fast("first")), first, 1, List.of(), System.currentTimeMillis()));
        long deadline = System.currentTimeMillis() + 20_000;
        while (s3.heldAcknowledgements() == 0 && System.currentTimeMillis() < deadline) {
            task.poll();
        }
        add(1, TrackingRecord.submitted(request("req-2", 21, fast("second")), second, 1, List.of(), System.currentTimeMillis()));
        for (long until = System.currentTimeMillis() + 1_500; System.currentTimeMillis() < until; ) {
            task.poll();
        }
        assertThat(sim.stats().statusCallsFor(second)).as("no status call while the archive queue is full").isZero();
        s3.holdAcknowledgements(false);
        List<SourceRecord> events = pollFor(2, Duration.ofSeconds(20));
        assertThat(events).extracting(r -> (String) r.key()).containsExactly("req-1", "req-2");
        assertThat(sim.stats().statusCallsFor(second)).isPositive();
    }
}
