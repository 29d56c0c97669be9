package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingTopicScan;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which redelivered records were already handled by an earlier owner of their partition, so they
 * are not submitted (and paid for) twice.
 *
 * <p>Only records at or after a partition's last committed offset can be redelivered, and their
 * tracking records were written after those records were produced. So when a partition is newly
 * assigned, the first batch that reaches it triggers one bounded scan of the tracking topic: from
 * the tracking offsets at (the earliest timestamp of the partition's redelivered records minus
 * {@code ltx.sink.dedup.lookback.ms}) to the current end, keeping SUBMITTED and REJECTED records
 * whose source coordinates are in that partition at or after the first redelivered offset. Entries
 * are dropped as the matching records go past, so the index only ever holds the redelivered range.
 *
 * <p>Used from the task thread only.
 */
final class DedupIndex {
    private static final Logger log = LoggerFactory.getLogger(DedupIndex.class);

    private final String trackingTopic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Duration lookback;
    private final Duration timeout;
    private final Set<TopicPartition> unscanned = new HashSet<>();
    private final Map<TopicPartition, Set<Long>> handled = new HashMap<>();
    private long lastScanMillis = -1;
    private long lastScanRecords;

    DedupIndex(String trackingTopic, Supplier<Consumer<byte[], byte[]>> consumers, Duration lookback, Duration timeout) {
        this.trackingTopic = trackingTopic;
        this.consumers = consumers;
        this.lookback = lookback;
        this.timeout = timeout;
    }

    static Supplier<Consumer<byte[], byte[]>> consumerFactory(Map<String, Object> clientProps, String clientId) {
        return () -> {
            Map<String, Object> props = new HashMap<>(clientProps);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            // A one-off catch-up read: do not let the broker hold fetches back waiting for more data.
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            return new KafkaConsumer<>(props);
        };
    }

    void assigned(Collection<TopicPartition> partitions) {
        unscanned.addAll(partitions);
    }

    void revoked(Collection<TopicPartition> partitions) {
        unscanned.removeAll(partitions);
        partitions.forEach(handled::remove);
    }

    /** True once for each redelivered record that an earlier owner already submitted or rejected. */
    boolean alreadyHandled(SourceCoordinates c) {
        Set<Long> offsets = handled.get(new TopicPartition(c.topic(), c.partition()));
        return offsets != null && offsets.remove(c.offset());
    }

    /** Duration of the last scan in ms, or -1 when none ran. */
    long lastScanMillis() {
        return lastScanMillis;
    }

    long lastScanRecords() {
        return lastScanRecords;
    }

    /**
     * Scans the tracking topic for the newly assigned partitions that appear in this batch.
     *
     * @throws RetriableException when the scan cannot finish in time; nothing of the batch is handled then
     */
    void prepare(Collection<SinkRecord> batch) {
        if (unscanned.isEmpty() || batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> firstOffset = new HashMap<>();
        long earliestTimestamp = Long.MAX_VALUE;
        for (SinkRecord record : batch) {
            SourceCoordinates c = RequestParser.coordinates(record);
            TopicPartition tp = new TopicPartition(c.topic(), c.partition());
            if (!unscanned.contains(tp)) {
                continue;
            }
            firstOffset.merge(tp, c.offset(), Math::min);
            // No timestamp: we cannot bound the scan, so read the whole tracking topic.
            long ts = record.timestamp() == null || record.timestamp() < 0 ? 0 : record.timestamp();
            earliestTimestamp = Math.min(earliestTimestamp, ts);
        }
        if (firstOffset.isEmpty()) {
            return;
        }
        long from = Math.max(0, earliestTimestamp - lookback.toMillis());
        scan(firstOffset, from);
        unscanned.removeAll(firstOffset.keySet());
    }

    private void scan(Map<TopicPartition, Long> firstOffset, long fromTimestamp) {
        long started = System.nanoTime();
        int[] found = {0};
        long read;
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            read = TrackingTopicScan.readSince(consumer, trackingTopic, fromTimestamp, timeout, "Dedup scan of tracking topic " + trackingTopic,
                    r -> {
                        if (match(r, firstOffset)) {
                            found[0]++;
                        }
                    }).records();
        }
        if (read < 0) {
            log.info("Tracking topic {} does not exist yet: nothing to deduplicate for {}", trackingTopic, firstOffset.keySet());
            return;
        }
        lastScanMillis = (System.nanoTime() - started) / 1_000_000;
        lastScanRecords = read;
        log.info("Dedup scan for {} newly assigned partition(s): read {} tracking records of {} in {} ms, {} request(s) already "
                + "submitted or rejected will be skipped", firstOffset.size(), read, trackingTopic, lastScanMillis, found[0]);
    }

    private boolean match(ConsumerRecord<byte[], byte[]> r, Map<TopicPartition, Long> firstOffset) {
        TrackingRecord record;
        try {
            record = TrackingRecordCodec.decode(r.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            log.debug("Skipping unreadable tracking record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return false;
        }
        if (record.source() == null || (record.type() != TrackingRecordType.SUBMITTED && record.type() != TrackingRecordType.REJECTED)) {
            return false;
        }
        TopicPartition tp = new TopicPartition(record.source().topic(), record.source().partition());
        Long first = firstOffset.get(tp);
        if (first == null || record.source().offset() < first) {
            return false;
        }
        return handled.computeIfAbsent(tp, k -> new HashSet<>()).add(record.source().offset());
    }
}
