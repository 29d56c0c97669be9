package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.KafkaAccess;
import io.ltx2.connect.tracking.TrackingTopicScan;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sink task's one consumer of the tracking cluster. It follows every partition of the tracking
 * topic (added ones too, from their start) from its end at the first poll, and the partitions of other
 * topics asked for ({@link #follow}: the spend checkpoints); each record read goes to every listener.
 * A listener may ask for a partition to be read again from an earlier point ({@link #from}, {@link #fromTime}):
 * what is read twice is flagged {@code again}, so a listener that wants each record once skips it.
 * Between two polls it lends itself to the bounded scans of a start or a newly assigned partition
 * ({@link #scan}), and then goes on where it was. Wanted points are applied on the next poll, so a
 * cluster that cannot answer delays the reading, never fails it (a missing ACL is named). Task thread only.
 */
final class TrackingFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackingFeed.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long REFRESH_MS = 30_000;
    /** After the cluster failed to answer, how long before asking again (each ask may block a put for the metadata time-out). */
    private static final long BACKOFF_MS = 10_000;

    /** Takes a record read; {@code again}: at or below an offset of its partition read before. */
    @FunctionalInterface
    interface Listener {
        void onRecord(ConsumerRecord<byte[], byte[]> record, boolean again);
    }

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final LongSupplier clock;
    private final List<Listener> listeners = new ArrayList<>();
    /** Partitions of other topics followed, with their listener. */
    private final Map<TopicPartition, Listener> others = new LinkedHashMap<>();
    private Consumer<byte[], byte[]> consumer;
    /** Partitions whose reading point was set (the others would start wherever the consumer's reset puts them). */
    private final Set<TopicPartition> positioned = new HashSet<>();
    /** Offsets to read from, not applied yet. */
    private final Map<TopicPartition, Long> wantOffsets = new HashMap<>();
    /** Times to read from (the first record at or after), not applied yet. */
    private final Map<TopicPartition, Long> wantTimes = new HashMap<>();
    /** Per partition, the next offset after the highest one handed out: below it, a record is read again. */
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    private List<TopicPartition> partitions = List.of();
    /** Whether the topic was looked up: partitions appearing after that are new, read from their start. */
    private boolean looked;
    private long refreshedAt;
    private long retryAt;

    TrackingFeed(String topic, Supplier<Consumer<byte[], byte[]>> consumers, LongSupplier clock) {
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

    void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Follows {@code from}'s partitions of another topic from their offsets, handing their records to {@code listener} only. */
    void follow(Map<TopicPartition, Long> from, Listener listener) {
        from.forEach((tp, offset) -> {
            others.put(tp, listener);
            wantOffsets.merge(tp, offset, Math::min);
        });
        if (consumer != null) {
            assign();
        }
    }

    /** Reads the tracking topic again from {@code offsets} (null: none) where its reading is past them. */
    void from(Map<TopicPartition, Long> offsets) {
        if (offsets != null) {
            offsets.forEach((tp, o) -> wantOffsets.merge(tp, o, Math::min));
        }
    }

    /** Reads {@code partition} of the tracking topic from the first record written at or after {@code since}, if past it. */
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

    /** Reads what arrived since the last poll and hands it to the listeners (nothing while the wanted points cannot be applied). */
    void poll() {
        if (clock.getAsLong() < retryAt) {
            return;
        }
        try {
            refresh();
            applyWanted();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                boolean again = r.offset() < readUpTo.getOrDefault(tp, 0L);
                readUpTo.merge(tp, r.offset() + 1, Math::max);
                Listener other = others.get(tp);
                if (other != null) {
                    other.onRecord(r, again);
                } else {
                    listeners.forEach(l -> l.onRecord(r, again));
                }
            }
        } catch (KafkaException e) {
            ConnectException denied = KafkaAccess.explain(e, "Read", topic);
            if (denied != null) {
                throw denied; // not a passing trouble: the task fails, naming the missing ACL
            }
            retryAt = clock.getAsLong() + BACKOFF_MS;
            log.warn("Cannot read tracking topic {} right now ({}); trying again in {} ms", topic, e.toString(), BACKOFF_MS);
        }
    }

    /**
     * Hands each record of {@code scanned} written since {@code fromTimestamp} to {@code each}, up to the end the topic had when
     * the scan began ({@link TrackingTopicScan}), with this feed's consumer; the following goes on where it was.
     *
     * @throws RetriableException when the scan cannot finish now
     */
    TrackingTopicScan.Result scan(String scanned, long fromTimestamp, Duration timeout, String what,
                                  java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> resume = new HashMap<>();
        try {
            for (TopicPartition tp : consumer().assignment()) {
                if (positioned.contains(tp) && !wantOffsets.containsKey(tp)) {
                    resume.put(tp, consumer.position(tp, METADATA_TIMEOUT));
                }
            }
        } catch (KafkaException e) {
            throw new RetriableException(what + " cannot start now (" + e + "); will retry", e);
        }
        try {
            return TrackingTopicScan.readSince(consumer, scanned, fromTimestamp, timeout, what, each);
        } finally {
            resume.forEach((tp, o) -> wantOffsets.merge(tp, o, Math::min));
            positioned.removeAll(resume.keySet());
            assign();
        }
    }

    /** The partitions of {@code name} (empty when it does not exist or is not visible yet). */
    List<PartitionInfo> partitionsFor(String name, Duration timeout) {
        List<PartitionInfo> infos = consumer().partitionsFor(name, timeout);
        return infos == null ? List.of() : infos;
    }

    private Consumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = consumers.get();
        }
        return consumer;
    }

    /** Assigns every partition of the tracking topic, the ones added since included (from their start: they are new). */
    private void refresh() {
        long now = clock.getAsLong();
        if (consumer != null && !partitions.isEmpty() && now - refreshedAt < REFRESH_MS) {
            return;
        }
        List<PartitionInfo> infos = consumer().partitionsFor(topic, METADATA_TIMEOUT);
        List<TopicPartition> all = infos == null ? List.of() : infos.stream().map(i -> partition(i.partition())).toList();
        if (!all.equals(partitions) || consumer.assignment().isEmpty()) {
            List<TopicPartition> added = all.stream().filter(tp -> !partitions.contains(tp) && !wantOffsets.containsKey(tp)
                    && !wantTimes.containsKey(tp)).toList();
            partitions = all;
            assign();
            if (looked) {
                consumer.seekToBeginning(added);
            } else {
                // From the end at the first look; what was there before counts as read, so only what comes after is new.
                Map<TopicPartition, Long> ends = consumer.endOffsets(added, METADATA_TIMEOUT);
                ends.forEach(consumer::seek);
                readUpTo.putAll(ends);
            }
            positioned.addAll(added);
        }
        looked = true;
        refreshedAt = now;
    }

    private void assign() {
        List<TopicPartition> assignment = new ArrayList<>(partitions);
        assignment.addAll(others.keySet());
        consumer.assign(assignment);
        consumer.resume(consumer.paused());
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
        Set<TopicPartition> assigned = consumer.assignment();
        wantOffsets.entrySet().removeIf(e -> {
            TopicPartition tp = e.getKey();
            if (!assigned.contains(tp)) {
                return false; // a partition not known yet: applied once it is
            }
            if (!positioned.contains(tp) || consumer.position(tp, METADATA_TIMEOUT) > e.getValue()) {
                consumer.seek(tp, e.getValue());
                positioned.add(tp);
            }
            return true;
        });
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("Closing the tracking feed", e);
            }
            consumer = null;
        }
    }
}
