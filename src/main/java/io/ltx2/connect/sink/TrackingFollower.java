package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.KafkaAccess;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One consumer over every partition of the tracking topic, read from the earliest point a caller needs:
 * asking for an offset below where a partition's reading is moves it back (what is read twice is read
 * twice; the callers' folds do not mind). Wanted points are remembered and applied on the next poll,
 * so a cluster that cannot answer now delays the reading, never fails it (a missing ACL is named).
 * Partitions added to the topic are picked up. Task thread only.
 */
final class TrackingFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackingFollower.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long REFRESH_MS = 30_000;
    /** After the cluster failed to answer, how long before asking again (each ask may block a put for the metadata time-out). */
    private static final long BACKOFF_MS = 10_000;

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final LongSupplier clock;
    private Consumer<byte[], byte[]> consumer;
    /** Partitions whose reading point was set (the others would start wherever the consumer's reset puts them). */
    private final Set<TopicPartition> positioned = new HashSet<>();
    /** Offsets to read from, not applied yet. */
    private final Map<TopicPartition, Long> wantOffsets = new HashMap<>();
    /** Times to read from (the first record at or after), not applied yet. */
    private final Map<TopicPartition, Long> wantTimes = new HashMap<>();
    /** Time to read the partitions without an explicit point from, when the consumer is new (-1: their end). */
    private long defaultTime = -1;
    private List<TopicPartition> partitions = List.of();
    private long refreshedAt;
    private long retryAt;

    TrackingFollower(String topic, Supplier<Consumer<byte[], byte[]>> consumers, LongSupplier clock) {
        this.topic = topic;
        this.consumers = consumers;
        this.clock = clock;
    }

    String topic() {
        return topic;
    }

    TopicPartition partition(int p) {
        return new TopicPartition(topic, p);
    }

    /** Reads from {@code offsets} (null: none) and, on the other partitions, from time {@code since} if reading starts now. */
    void from(Map<TopicPartition, Long> offsets, long since) {
        if (offsets != null) {
            offsets.forEach((tp, o) -> wantOffsets.merge(tp, o, Math::min));
        }
        if (consumer == null) {
            defaultTime = defaultTime < 0 ? since : Math.min(defaultTime, since);
        }
    }

    /** Reads {@code partition} from the first record written at or after {@code since}. */
    void fromTime(int partition, long since) {
        wantTimes.merge(partition(partition), Math.max(0, since), Math::min);
    }

    /** Whether every record of {@code partition} up to {@code offset} was read. */
    boolean readPast(int partition, long offset) {
        TopicPartition tp = partition(partition);
        if (consumer == null || wantOffsets.containsKey(tp) || wantTimes.containsKey(tp)) {
            return false;
        }
        try {
            return consumer.position(tp, Duration.ZERO) > offset;
        } catch (KafkaException notKnownNow) {
            return false;
        }
    }

    /** What arrived since the last poll (none while the wanted points cannot be applied). */
    ConsumerRecords<byte[], byte[]> poll() {
        if (clock.getAsLong() < retryAt) {
            return ConsumerRecords.empty();
        }
        if (consumer == null) {
            consumer = consumers.get();
        }
        try {
            refresh();
            applyWanted();
            return consumer.poll(Duration.ZERO);
        } catch (KafkaException e) {
            ConnectException denied = KafkaAccess.explain(e, "Read", topic);
            if (denied != null) {
                throw denied; // not a passing trouble: the task fails, naming the missing ACL
            }
            retryAt = clock.getAsLong() + BACKOFF_MS;
            log.warn("Cannot read tracking topic {} right now ({}); trying again in {} ms", topic, e.toString(), BACKOFF_MS);
            return ConsumerRecords.empty();
        }
    }

    /** Assigns every partition, the ones added since included (from their start: they are new). */
    private void refresh() {
        long now = clock.getAsLong();
        if (!partitions.isEmpty() && now - refreshedAt < REFRESH_MS) {
            return;
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        List<TopicPartition> all = infos == null ? List.of() : infos.stream().map(i -> partition(i.partition())).toList();
        if (!all.equals(partitions)) {
            boolean fresh = partitions.isEmpty();
            List<TopicPartition> added = all.stream().filter(tp -> !partitions.contains(tp)).toList();
            consumer.assign(all);
            List<TopicPartition> unwanted = added.stream().filter(tp -> !wantOffsets.containsKey(tp) && !wantTimes.containsKey(tp)).toList();
            if (!fresh) {
                consumer.seekToBeginning(unwanted);
            } else if (defaultTime >= 0) {
                unwanted.forEach(tp -> wantTimes.put(tp, defaultTime));
            } else {
                consumer.seekToEnd(unwanted);
            }
            if (!fresh || defaultTime < 0) {
                positioned.addAll(unwanted);
            }
            partitions = all;
        }
        refreshedAt = now;
    }

    /** Moves each partition back to the point asked for, where its reading is past it. */
    private void applyWanted() {
        if (!wantTimes.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(new HashMap<>(wantTimes), METADATA_TIMEOUT);
            wantTimes.forEach((tp, t) -> {
                OffsetAndTimestamp at = found.get(tp);
                wantOffsets.merge(tp, at != null ? at.offset() : consumer.endOffsets(List.of(tp), METADATA_TIMEOUT).get(tp), Math::min);
            });
            wantTimes.clear();
        }
        for (Map.Entry<TopicPartition, Long> e : wantOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            if (partitions.contains(tp) && (!positioned.contains(tp) || consumer.position(tp, METADATA_TIMEOUT) > e.getValue())) {
                consumer.seek(tp, e.getValue());
                positioned.add(tp);
            }
        }
        wantOffsets.clear();
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("Closing the tracking follower", e);
            }
            consumer = null;
            partitions = List.of();
            positioned.clear();
            wantOffsets.clear();
            wantTimes.clear();
            defaultTime = -1;
        }
    }
}
