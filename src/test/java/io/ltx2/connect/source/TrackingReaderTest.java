package io.ltx2.connect.source;

import io.ltx2.connect.api.CapturedLogs;
import io.ltx2.connect.config.CallbackConfig;
import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tracking consumer's side: restoring progress (also on a recreated topic), offsets without records, backpressure. */
class TrackingReaderTest {
    private static final String TOPIC = "tracking";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final TrackingReader reader = new TrackingReader(TOPIC, consumer, 10);

    private void restore(Map<String, Object> stored, String currentTopicId, long beginning, long end) {
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(TP, beginning));
        consumer.updateEndOffsets(Map.of(TP, end));
        reader.load(List.of(0), new SourceTaskHarness.StoredOffsets(stored));
        reader.seek(topic -> currentTopicId);
    }

    private void add(long offset, String requestId) {
        TrackedRequest r = new TrackedRequest(RequestIdentity.of("sink", new SourceCoordinates("in", 0, offset)), requestId, "async",
                "auto", null, Map.of());
        TrackingRecord record = TrackingRecord.rejected(r, "INVALID_REQUEST", "x", List.of(), 1L);
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, record.key().getBytes(StandardCharsets.UTF_8),
                TrackingRecordCodec.encode(record)));
    }

    private long watermark() {
        return ((Number) reader.sourceOffset(0).get(PartitionProgress.WATERMARK_KEY)).longValue();
    }

    @Test
    void restoresTheStoredProgressAndSkipsWhatWasResolvedBeforeTheRestart() {
        restore(Map.of("v", 1, "watermark", 5L, "resolved", "r:1+1", "topicId", "id-1"), "id-1", 0, 10);
        add(5, "a");
        add(6, "b");
        add(7, "c");
        List<TrackingReader.Read> reads = reader.poll(0);
        assertThat(reads).extracting(r -> r.at().offset()).containsExactly(5L, 7L);
        assertThat(reads).extracting(r -> r.record().requestId()).containsExactly("a", "c");
        assertThat(reads.get(0).identity()).isEqualTo(new RequestIdentity("sink", "in", 0, 5));
        assertThat(reader.sourceOffset(0)).containsEntry("topicId", "id-1").containsEntry("watermark", 5L);
    }

    @Test
    void withoutStoredProgressItStartsAtTheBeginningOfThePartition() {
        restore(null, "id-1", 3, 10);
        assertThat(watermark()).isEqualTo(3);
        assertThat(consumer.position(TP)).isEqualTo(3);
    }

    @Test
    void offsetsThatHoldNoRecordAreResolvedOnceReadPast() {
        restore(null, "id-1", 0, 10);
        add(0, "a");
        add(2, "b");
        add(7, "c");
        List<TrackingReader.Read> reads = reader.poll(0);
        assertThat(reads).hasSize(3);
        assertThat(watermark()).as("offset 0 holds a record not yet resolved").isZero();
        reader.resolve(reads.get(0).at());
        assertThat(watermark()).isEqualTo(2);
        reader.resolve(reads.get(1).at());
        assertThat(watermark()).isEqualTo(7);
        reader.resolve(reads.get(2).at());
        assertThat(watermark()).isEqualTo(8);
    }

    @Test
    void aRecreatedTopicIsReadFromItsBeginningEvenWhenItHasMoreRecordsThanTheStoredWatermark() {
        restore(Map.of("watermark", 50L, "resolved", "r:2+1", "topicId", "old-id"), "new-id", 0, 100);
        assertThat(watermark()).isZero();
        assertThat(consumer.position(TP)).isZero();
        assertThat(reader.sourceOffset(0)).containsEntry("topicId", "new-id").containsEntry("resolved", "");
    }

    @Test
    void whenTheTopicIdCannotBeToldTheStoredProgressIsKept() {
        restore(Map.of("watermark", 50L, "topicId", "old-id"), null, 0, 100);
        assertThat(watermark()).isEqualTo(50);
        assertThat(consumer.position(TP)).isEqualTo(50);
        assertThat(reader.sourceOffset(0)).containsEntry("topicId", "old-id");
    }

    @Test
    void aStoredWatermarkAboveThePartitionsEndMeansARecreatedOrTruncatedTopic() {
        restore(Map.of("watermark", 500L), null, 0, 20);
        assertThat(watermark()).isZero();
        assertThat(consumer.position(TP)).isZero();
    }

    @Test
    void anUnreadableStoredOffsetFailsTheStartWithTheWayOut() {
        assertThatThrownBy(() -> restore(Map.of("watermark", "twelve"), "id", 0, 10))
                .isInstanceOf(ConnectException.class).hasMessageContaining("unreadable").hasMessageContaining("REST API");
    }

    /** The stored watermark is 100, retention removed 2^25 offsets past it, the consumer starts at the log start. */
    @Test
    void aStoredWatermarkFarBelowTheLogStartMovesUpToIt() {
        long logStart = 100 + (1L << 25);
        restore(Map.of("watermark", 100L, "resolved", "r:3+1"), "id-1", logStart, logStart + 10);
        consumer.seekToBeginning(List.of(TP)); // what auto.offset.reset=earliest does with an offset below the log start
        add(logStart, "a");
        List<TrackingReader.Read> reads = reader.poll(0);
        assertThat(reads).extracting(r -> r.at().offset()).containsExactly(logStart);
        assertThat(watermark()).isEqualTo(logStart);
        reader.resolve(reads.get(0).at());
        assertThat(watermark()).isEqualTo(logStart + 1);
    }

    /** Records of an outstanding request below a gap of more than the span (retention under a paused partition, say). */
    @Test
    void aGapBeyondTheSpanAboveAnOutstandingRecordDoesNotStopTheReader() {
        restore(null, "id-1", 0, 10);
        add(0, "a");
        List<TrackingReader.Read> first = reader.poll(0);
        assertThat(first).hasSize(1);
        List<Long> askedBelow = new ArrayList<>();
        reader.heldRecords((partition, offset) -> {
            askedBelow.add(offset);
            return List.of(first.get(0).identity());
        });
        long after = 2 + PartitionProgress.MAX_SPAN;
        add(after, "b");
        List<TrackingReader.Read> reads;
        try (CapturedLogs logs = new CapturedLogs()) {
            reads = reader.poll(0);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
                    .contains("offsets 1.." + (after - 1), "watermark moves to " + after, "over 1 offsets not yet resolved",
                            "1 outstanding requests [sink:in:0:0]");
        }
        assertThat(reads).extracting(r -> r.at().offset()).containsExactly(after);
        assertThat(watermark()).isEqualTo(after);
        assertThat(askedBelow).containsExactly(after);
        reader.resolve(first.get(0).at()); // its event still goes out; nothing to move
        reader.resolve(reads.get(0).at());
        assertThat(watermark()).isEqualTo(after + 1);
    }

    @Test
    void aSeekTheClusterCannotAnswerLeavesTheStoredProgressForTheNextAttempt() {
        AtomicInteger failures = new AtomicInteger(1);
        MockConsumer<byte[], byte[]> flaky = new MockConsumer<>("earliest") {
            @Override
            public long position(TopicPartition partition, Duration timeout) {
                if (failures.getAndDecrement() > 0) {
                    throw new TimeoutException("no answer");
                }
                return super.position(partition, timeout);
            }
        };
        TrackingReader late = new TrackingReader(TOPIC, flaky, 10);
        flaky.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        flaky.updateBeginningOffsets(Map.of(TP, 0L));
        flaky.updateEndOffsets(Map.of(TP, 100L));
        late.load(List.of(0), new SourceTaskHarness.StoredOffsets(Map.of("watermark", 50L, "topicId", "old-id")));
        assertThat(late.restored()).isFalse();
        assertThatThrownBy(() -> late.seek(topic -> "new-id")).isInstanceOf(TimeoutException.class);
        assertThat(late.restored()).isFalse();
        late.seek(topic -> "new-id");
        assertThat(late.restored()).isTrue();
        assertThat(late.watermarks()).as("still told apart from the recreated topic on the second attempt").containsEntry(0, 0L);
        assertThat(late.sourceOffset(0)).containsEntry("topicId", "new-id");
    }

    @Test
    void aTrackingTopicThatDoesNotExistFailsTheRestoreClearly() {
        consumer.updateEndOffsets(Map.of(TP, 10L));
        reader.load(List.of(0), new SourceTaskHarness.StoredOffsets(null));
        assertThatThrownBy(() -> reader.seek(topic -> null)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Tracking topic tracking does not exist");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 1, null, null, null)));
        assertThatThrownBy(() -> reader.seek(topic -> null)).isInstanceOf(ConnectException.class).hasMessageContaining("no partitions [0]");
    }

    @Test
    void aMalformedRecordIsSkippedAndResolved() {
        restore(null, "id-1", 0, 10);
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null, "not json".getBytes(StandardCharsets.UTF_8)));
        add(1, "a");
        List<TrackingReader.Read> reads = reader.poll(0);
        assertThat(reads).extracting(r -> r.at().offset()).containsExactly(1L);
        assertThat(watermark()).isEqualTo(1);
    }

    @Test
    void readingPausesAboveTheMaximumOutstandingAndResumesBelowTheLowMark() {
        restore(null, "id-1", 0, 10);
        reader.backpressure(10, 0);
        assertThat(reader.paused()).isFalse();
        assertThat(consumer.paused()).isEmpty();
        reader.backpressure(11, 1_000);
        assertThat(reader.paused()).isTrue();
        assertThat(consumer.paused()).containsExactly(TP);
        add(0, "a");
        assertThat(reader.poll(0)).as("nothing is fetched while paused").isEmpty();
        reader.backpressure(8, 2_000);
        assertThat(reader.paused()).as("80% of 10 is the low mark: not below it yet").isTrue();
        reader.backpressure(7, 3_000);
        assertThat(reader.paused()).isFalse();
        assertThat(consumer.paused()).isEmpty();
        assertThat(reader.poll(0)).hasSize(1);
    }

    @Test
    void trackingRecordsAreFetchedInBatchesNoLongerThanAQuarterOfTheFirstStatusCall() {
        Map<String, String> c = new HashMap<>();
        c.put("ltx.api.key", "k");
        c.put("ltx.tracking.bootstrap.servers", "127.0.0.1:9092");
        c.put("ltx.tracking.topic", "tasks");
        assertThat(TrackingReader.fetchWait(new LtxSourceConfig(c))).as("adaptive, 2 s minimum interval: capped")
                .isEqualTo(TrackingReader.MAX_FETCH_WAIT);
        c.put(LtxSourceConfig.POLL_MIN_INTERVAL_MS, "400");
        assertThat(TrackingReader.fetchWait(new LtxSourceConfig(c))).isEqualTo(Duration.ofMillis(100));
        c.put(LtxSourceConfig.POLL_SCHEDULE, "fixed");
        c.put(LtxSourceConfig.POLL_FIXED_INITIAL_DELAY_MS, "200");
        assertThat(TrackingReader.fetchWait(new LtxSourceConfig(c))).as("fixed: a quarter of its initial delay").isEqualTo(Duration.ofMillis(50));
        c.put(LtxSourceConfig.POLL_FIXED_INITIAL_DELAY_MS, "0");
        assertThat(TrackingReader.fetchWait(new LtxSourceConfig(c))).as("a first call at once: no waiting").isZero();
        assertThat(TrackingReader.consumerProps(new LtxSourceConfig(c), "r")).as("no waiting: the plain consumer, no batching")
                .doesNotContainKeys(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        c.put(LtxSourceConfig.POLL_FIXED_INITIAL_DELAY_MS, "200");
        assertThat(TrackingReader.consumerProps(new LtxSourceConfig(c), "r")).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        c.put(CallbackConfig.ENABLED, "true");
        c.put(CallbackConfig.TOKEN, "a-long-enough-token-0123");
        assertThat(TrackingReader.fetchWait(new LtxSourceConfig(c))).as("callbacks: a CALLBACK record is read at once").isZero();
    }
}
