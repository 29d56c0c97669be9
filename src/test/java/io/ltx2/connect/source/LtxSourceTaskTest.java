package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task's bookkeeping on the tracking partition: what it skips after a restart, offsets that
 * hold no record, duplicates, a callback read before its task. The tracking topic is Kafka's
 * MockConsumer (the ITs use a real broker); the API is the project's simulator.
 */
class LtxSourceTaskTest {
    private static final String TOPIC = "tracking";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static ApiSimulator sim;
    private static LtxApiClient client;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final LtxSourceTask task = new LtxSourceTask(System::currentTimeMillis, props -> consumer);

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
        Map<String, String> props = new HashMap<>();
        props.put("name", "unit");
        props.put("ltx.api.url", sim.baseUrl());
        props.put("ltx.api.key", "k");
        props.put("ltx.tracking.topic", TOPIC);
        props.put("ltx.tracking.bootstrap.servers", "127.0.0.1:1");
        props.put("ltx.poll.time.scale", "0.01");
        props.put("ltx.poll.min.interval.ms", "20");
        props.put("ltx.poll.max.interval.ms", "200");
        props.put("ltx.poll.target.delay.ms", "40");
        props.put(LtxSourceTaskConfig.TASK_PARTITIONS, "0");
        props.putAll(extra);
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return storedOffset;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        Map<Map<String, T>, Map<String, Object>> m = new HashMap<>();
                        partitions.forEach(p -> m.put(p, storedOffset));
                        return m;
                    }
                };
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
    }

    private void add(long offset, TrackingRecord r) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r)));
    }

    private List<SourceRecord> pollFor(int n, Duration max) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long end = System.currentTimeMillis() + max.toMillis();
        while (System.currentTimeMillis() < end && out.size() < n) {
            List<SourceRecord> got = task.poll();
            if (got != null) {
                out.addAll(got);
            }
        }
        return out;
    }

    private static TrackingRecord submitted(String requestId, String taskId, GenerationInput input) {
        return TrackingRecord.submitted(requestId, taskId, System.currentTimeMillis(), new SourceCoordinates("requests", 0, 1), "async", "auto", input);
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
        add(0, submitted("req-a", a, fast()));
        add(1, submitted("req-b", b, fast()));
        add(2, TrackingRecord.rejected("req-c", System.currentTimeMillis(), null, null, "INVALID_REQUEST", "bad"));

        List<SourceRecord> events = pollFor(2, Duration.ofSeconds(20));
        assertThat(events).extracting(r -> (String) r.key()).containsExactlyInAnyOrder("req-c", "req-a");
        assertThat(pollFor(1, Duration.ofSeconds(1))).as("req-b was resolved before the restart").isEmpty();
        assertThat(sim.stats().statusCallsFor(b)).isZero();
        SourceRecord last = events.get(1);
        assertThat(last.key()).isEqualTo("req-a");
        assertThat(state(last)).isEqualTo("success");
        assertThat(watermark(last)).isEqualTo(3);
        assertThat(last.sourcePartition()).isEqualTo(Map.of("topic", TOPIC, "partition", 0));
    }

    @Test
    void offsetsWithoutARecordSuchAsTransactionMarkersDoNotHoldTheWatermarkBack() throws Exception {
        start(null, Map.of());
        add(0, TrackingRecord.rejected("r-0", 1L, null, null, "INVALID_REQUEST", "x"));
        add(2, TrackingRecord.rejected("r-2", 1L, null, null, "INVALID_REQUEST", "x"));
        add(7, TrackingRecord.rejected("r-7", 1L, null, null, "INVALID_REQUEST", "x"));
        List<SourceRecord> events = pollFor(3, Duration.ofSeconds(5));
        assertThat(events).extracting(SourceRecord::key).containsExactly("r-0", "r-2", "r-7");
        assertThat(events).extracting(LtxSourceTaskTest::watermark).containsExactly(1L, 3L, 8L);
        assertThat(events).allMatch(r -> ((Struct) r.value()).getString("state").equals("rejected"));
    }

    @Test
    void aDuplicateSubmittedRecordGivesOneEvent() throws Exception {
        String a = create(fast());
        start(null, Map.of());
        add(0, submitted("req-dup", a, fast()));
        add(1, submitted("req-dup", a, fast()));
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
        add(0, submitted("req-once", a, fast()));
        assertThat(pollFor(1, Duration.ofSeconds(10))).hasSize(1);
        add(1, submitted("req-once", a, fast()));   // the same record written again
        add(2, submitted("req-once", b, fast()));   // the same request submitted again as another task
        assertThat(pollFor(1, Duration.ofSeconds(2))).isEmpty();
        assertThat(sim.stats().statusCallsFor(b)).isZero();
        add(3, TrackingRecord.rejected("req-next", 1L, null, null, "INVALID_REQUEST", "x"));
        List<SourceRecord> next = pollFor(1, Duration.ofSeconds(5));
        assertThat(next).hasSize(1);
        assertThat(watermark(next.get(0))).as("the skipped records count as resolved").isEqualTo(4);
    }

    @Test
    void aCallbackReadBeforeItsSubmittedRecordTriggersTheConfirmingCallAtOnce() throws Exception {
        String a = create(fast());
        Thread.sleep(1_500); // done on the simulator by now
        // A fixed schedule that would not poll for a minute: only the callback can resolve it in time.
        start(null, Map.of("ltx.poll.schedule", "fixed", "ltx.poll.fixed.initial.delay.ms", "60000"));
        add(0, TrackingRecord.callback(a, System.currentTimeMillis(), "success", "{\"taskId\":\"" + a + "\",\"state\":\"success\"}"));
        add(1, submitted("req-early", a, fast()));
        List<SourceRecord> events = pollFor(1, Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(state(events.get(0))).isEqualTo("success");
        assertThat(sim.stats().statusCallsFor(a)).isEqualTo(1);
        assertThat(watermark(events.get(0))).isEqualTo(2);
    }
}
