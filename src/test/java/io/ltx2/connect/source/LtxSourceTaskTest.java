package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CapturedLogs;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorWaits;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The task end to end through {@code poll()}: what it skips after a restart, offsets that hold no
 * record, duplicates, callbacks, adoption, requests sharing a request id, a refused key. The
 * tracking topic is Kafka's MockConsumer (the ITs use a real broker); the API is the project's
 * simulator.
 */
class LtxSourceTaskTest {
    private static final String TOPIC = SourceTaskHarness.TOPIC;
    private static final String TOPIC_ID = "tracking-topic-id-1";
    private static ApiSimulator sim;
    private static LtxApiClient client;

    private final SourceTaskHarness harness = new SourceTaskHarness(TOPIC_ID);
    private final LtxSourceTask task = harness.task();

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).seed(3).build().start();
        client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 6000, new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(200))));
    }

    @AfterAll
    static void stopSimulator() {
        client.close();
        sim.close();
    }

    @AfterEach
    void stopTask() {
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

    /** The request of the record at {@code sourceOffset} of the input topic. */
    private static TrackedRequest request(String requestId, long sourceOffset, GenerationInput input) {
        return new TrackedRequest(new RequestIdentity("sink", "requests", 0, sourceOffset), requestId, "async", "auto", input,
                Map.of("traceparent", "00-trace-01"));
    }

    private static TrackingRecord submitted(String requestId, long sourceOffset, String taskId, GenerationInput input) {
        return TrackingRecord.submitted(request(requestId, sourceOffset, input), taskId, 1, List.of(), System.currentTimeMillis());
    }

    private static TrackingRecord rejected(String requestId, long sourceOffset) {
        return TrackingRecord.rejected(request(requestId, sourceOffset, null), "INVALID_REQUEST", "bad", List.of(), 1L);
    }

    private static double metric(String name) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("io.ltx2.connect:type=source-task-metrics,connector=\"unit\",task=0"), name)).doubleValue();
    }

    private static String create(GenerationInput input) throws Exception {
        return client.createTask(new CreateTaskRequest("async", null, "auto", input)).get(10, TimeUnit.SECONDS);
    }

    private static GenerationInput fast() {
        return new GenerationInput("text-to-video", "fast", "480p", 5, "16:9", null, 1L, null);
    }

    private static long watermark(SourceRecord r) {
        return ((Number) r.sourceOffset().get("watermark")).longValue();
    }

    private static String state(SourceRecord r) {
        return ((Struct) r.value()).getString("state");
    }

    @Test
    void afterARestartWhatWasResolvedIsSkippedAndTheRestIsFollowed() throws Exception {
        String a = create(fast());
        String b = create(fast());
        start(Map.of("v", 1, "watermark", 0L, "resolved", "r:1+1"), Map.of());
        add(0, submitted("req-a", 10, a, fast()));
        add(1, submitted("req-b", 11, b, fast()));
        add(2, rejected("req-c", 12));

        List<SourceRecord> events = pollFor(2, Duration.ofSeconds(20));
        assertThat(events).extracting(r -> (String) r.key()).containsExactlyInAnyOrder("req-c", "req-a");
        assertThat(pollFor(1, Duration.ofSeconds(1))).as("req-b was resolved before the restart").isEmpty();
        assertThat(sim.stats().statusCallsFor(b)).isZero();
        SourceRecord last = events.get(1);
        assertThat(last.key()).isEqualTo("req-a");
        assertThat(state(last)).isEqualTo("success");
        assertThat(watermark(last)).isEqualTo(3);
        assertThat(last.sourcePartition()).isEqualTo(Map.of("topic", TOPIC, "partition", 0));
        assertThat(last.sourceOffset().get("topicId")).as("the topic's id travels with the progress").isEqualTo(TOPIC_ID);
        assertThat(header(last, "ltx.request.identity")).isEqualTo("sink:requests:0:10");
        assertThat(header(last, "traceparent")).isEqualTo("00-trace-01");
        assertThat(metric("events-success-total")).isEqualTo(1.0);
        assertThat(metric("events-rejected-total")).isEqualTo(1.0);
        assertThat(metric("detection-delay-ms-count")).isEqualTo(1.0);
    }

    @Test
    void requestsSharingOneRequestIdEachGetTheirEvent() throws Exception {
        // No request_id and a key per user: the same label on several records, each its own request.
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(create(fast()));
        }
        start(null, Map.of());
        for (int i = 0; i < 5; i++) {
            add(i, submitted(i % 2 == 0 ? "user-1" : "user-2", 50 + i, tasks.get(i), fast()));
        }
        List<SourceRecord> events = pollFor(5, Duration.ofSeconds(20));
        assertThat(events).hasSize(5);
        assertThat(events).extracting(r -> ((Struct) r.value()).getString("taskId")).doesNotHaveDuplicates();
        assertThat(events).extracting(r -> header(r, "ltx.request.identity")).doesNotHaveDuplicates();
        assertThat(events).extracting(r -> (String) r.key()).containsOnly("user-1", "user-2");
    }

    @Test
    void offsetsWithoutARecordSuchAsTransactionMarkersDoNotHoldTheWatermarkBack() throws Exception {
        start(null, Map.of());
        add(0, rejected("r-0", 0));
        add(2, rejected("r-2", 2));
        add(7, rejected("r-7", 7));
        List<SourceRecord> events = pollFor(3, Duration.ofSeconds(5));
        assertThat(events).extracting(SourceRecord::key).containsExactly("r-0", "r-2", "r-7");
        // Offsets 1 and 3..6 hold no record: they count as resolved once read past, so the watermark jumps over them.
        assertThat(events).extracting(LtxSourceTaskTest::watermark).containsExactly(2L, 7L, 8L);
        assertThat(events).allMatch(r -> ((Struct) r.value()).getString("state").equals("rejected"));
    }

    @Test
    void aDuplicateSubmittedRecordGivesOneEvent() throws Exception {
        String a = create(fast());
        start(null, Map.of());
        add(0, submitted("req-dup", 1, a, fast()));
        add(1, submitted("req-dup", 1, a, fast()));
        List<SourceRecord> events = pollFor(1, Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(watermark(events.get(0))).isEqualTo(2);
        assertThat(pollFor(1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aRequestWhoseEventWasEmittedIsNotFollowedAgainWhenSubmittedAgain() throws Exception {
        String a = create(fast());
        String b = create(fast());
        start(null, Map.of());
        add(0, submitted("req-once", 1, a, fast()));
        assertThat(pollFor(1, Duration.ofSeconds(10))).hasSize(1);
        add(1, submitted("req-once", 1, a, fast()));   // the same record written again
        add(2, submitted("req-once", 1, b, fast()));   // the same request submitted again as another task
        assertThat(pollFor(1, Duration.ofSeconds(2))).isEmpty();
        assertThat(sim.stats().statusCallsFor(b)).isZero();
        assertThat(metric("duplicate-tasks-total")).isEqualTo(1.0);
        add(3, rejected("req-next", 2));
        List<SourceRecord> next = pollFor(1, Duration.ofSeconds(5));
        assertThat(next).hasSize(1);
        assertThat(watermark(next.get(0))).as("the skipped records count as resolved").isEqualTo(4);
    }

    @Test
    void aCallbackWithoutIdentityReadBeforeItsSubmittedRecordTriggersTheConfirmingCallAtOnce() throws Exception {
        String a = create(fast());
        SimulatorWaits.awaitCompleted(sim, a);
        // A fixed schedule that would not poll for a minute: only the callback can resolve it in time.
        start(null, Map.of("ltx.poll.schedule", "fixed", "ltx.poll.fixed.initial.delay.ms", "60000"));
        add(0, TrackingRecord.callback(null, a, System.currentTimeMillis(), "success", "{\"taskId\":\"" + a + "\",\"state\":\"success\"}"));
        add(1, submitted("req-early", 1, a, fast()));
        List<SourceRecord> events = pollFor(1, Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(state(events.get(0))).isEqualTo("success");
        assertThat(sim.stats().statusCallsFor(a)).isEqualTo(1);
        assertThat(watermark(events.get(0))).isEqualTo(2);
        assertThat(metric("callbacks-read-total")).isEqualTo(1.0);
    }

    @Test
    void aTaskTheSinkAdoptedThroughItsCallbackGivesItsEventWithOneStatusCall() throws Exception {
        String orphan = create(fast()); // created by attempt 1, whose SUBMITTED record was never written
        SimulatorWaits.awaitCompleted(sim, orphan);
        start(null, Map.of("ltx.poll.schedule", "fixed", "ltx.poll.fixed.initial.delay.ms", "60000"));
        TrackedRequest r = request("req-adopted", 30, fast());
        add(0, TrackingRecord.intent(r, 1, System.currentTimeMillis() - 2_000));
        add(1, TrackingRecord.callback(r.identity(), orphan, System.currentTimeMillis(), "success", "{}"));
        assertThat(pollFor(1, Duration.ofSeconds(1))).as("the sink adopts, or creates: the source waits for its record").isEmpty();
        add(2, TrackingRecord.adopted(r, orphan, 1, List.of(), System.currentTimeMillis()));
        List<SourceRecord> events = pollFor(1, Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        Struct event = (Struct) events.get(0).value();
        assertThat(event.getString("state")).isEqualTo("success");
        assertThat(event.getString("taskId")).isEqualTo(orphan);
        assertThat(event.getBoolean("adopted")).isTrue();
        assertThat(event.getInt32("attempt")).isEqualTo(1);
        assertThat(header(events.get(0), "ltx.adopted")).isEqualTo("true");
        assertThat(sim.stats().statusCallsFor(orphan)).isEqualTo(1);
        assertThat(watermark(events.get(0))).isEqualTo(3);
        assertThat(metric("adopted-total")).isEqualTo(1.0);
    }

    @Test
    void requestsReusingOneTaskEachGetItsOutcome() throws Exception {
        String a = create(fast());
        start(null, Map.of("ltx.poll.schedule", "fixed", "ltx.poll.fixed.initial.delay.ms", "1000", "ltx.poll.fixed.interval.ms", "200"));
        add(0, submitted("req-first", 1, a, fast()));
        add(1, TrackingRecord.reused(request("req-reuse", 9, fast()), a, System.currentTimeMillis()));
        List<SourceRecord> events = pollFor(2, Duration.ofSeconds(15));
        assertThat(events).extracting(SourceRecord::key).containsExactlyInAnyOrder("req-first", "req-reuse");
        Struct first = (Struct) events.get(0).value();
        Struct reuse = (Struct) events.get(1).value();
        assertThat(reuse.getString("state")).isEqualTo("success");
        assertThat(reuse.getString("taskId")).isEqualTo(a);
        assertThat(reuse.getArray("resultUrls")).isEqualTo(first.getArray("resultUrls")).isNotEmpty();
        assertThat(events).extracting(r -> ((Struct) r.value()).getInt64("sourceOffset")).containsExactlyInAnyOrder(1L, 9L);
        assertThat(watermark(events.get(1))).isEqualTo(2);
        assertThat(sim.stats().statusCallsFor(a)).as("each request polls the shared task once").isEqualTo(2);
    }

    /** The tracking cluster does not answer at start (a transient outage): the task starts and restores its progress later. */
    @Test
    void aTrackingClusterUnreachableAtStartIsRetriedFromPollAndNothingIsEmittedBeforeTheRestore() throws Exception {
        AtomicInteger failures = new AtomicInteger(2);
        MockConsumer<byte[], byte[]> unreachable = new MockConsumer<>("earliest") {
            @Override
            public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
                if (failures.getAndDecrement() > 0) {
                    throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before the end offsets could be fetched");
                }
                return super.endOffsets(partitions, timeout);
            }
        };
        SourceTaskHarness late = new SourceTaskHarness(TOPIC_ID, unreachable);
        try (CapturedLogs logs = new CapturedLogs()) {
            late.start(sim.baseUrl(), Map.of("v", 1, "watermark", 1L), Map.of());
            late.add(0, rejected("req-resolved", 0)); // below the stored watermark: resolved before the restart
            late.add(1, rejected("req-next", 1));
            assertThat(late.task().poll()).as("first restore attempt fails").isNull();
            assertThat(late.task().poll()).as("second restore attempt fails").isNull();
            List<SourceRecord> events = late.pollFor(1, Duration.ofSeconds(10));
            assertThat(events).extracting(SourceRecord::key).containsExactly("req-next");
            assertThat(watermark(events.get(0))).isEqualTo(2);
            assertThat(failures.get()).isNegative();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("Timeout of")).hasSize(2);
        } finally {
            late.stop();
        }
    }

    @Test
    void aTrackingTopicThatDoesNotExistFailsThePollClearly() throws Exception {
        MockConsumer<byte[], byte[]> noTopic = new MockConsumer<>("earliest") {
            @Override
            public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                return List.of();
            }
        };
        SourceTaskHarness deleted = new SourceTaskHarness(TOPIC_ID, noTopic);
        try {
            deleted.start(sim.baseUrl(), null, Map.of());
            assertThatThrownBy(() -> deleted.task().poll()).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("Tracking topic tracking does not exist");
        } finally {
            deleted.stop();
        }
    }

    @Test
    void aRefusedKeyFailsThePollWithAClearMessageWithoutTheKey() throws Exception {
        start(null, Map.of("ltx.api.key", "wrong-key-not-to-leak"));
        Throwable failure = null;
        long end = System.currentTimeMillis() + 10_000;
        while (failure == null && System.currentTimeMillis() < end) {
            try {
                task.poll();
            } catch (ConnectException e) {
                failure = e;
            }
        }
        assertThat(failure).isNotNull().hasMessageContaining("check ltx.api.key").hasMessageContaining("401");
        assertThat(failure.getMessage()).doesNotContain("wrong-key-not-to-leak");
    }

    private static String header(SourceRecord r, String name) {
        Header h = r.headers().lastWithName(name);
        return h == null ? null : (String) h.value();
    }
}
