package io.ltx2.connect.simulation;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task's consumer on {@link SimKafka} (manual assignment; a position past a recreated partition's
 * end starts over, as {@code auto.offset.reset=earliest} does). A poll never blocks: the workers call
 * the tasks again when records arrive or their wait is over.
 */
final class SimConsumer extends MockConsumer<byte[], byte[]> {
    private static final int MAX_POLL_RECORDS = 200;

    private final SimKafka kafka;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Set<TopicPartition> pausedParts = new LinkedHashSet<>();
    private boolean woken;
    private boolean isClosed;
    private long lastPollWaitMs;
    private Runnable onWakeup = () -> { };

    SimConsumer(SimKafka kafka) {
        super("earliest");
        this.kafka = kafka;
    }

    @Override
    public synchronized void assign(Collection<TopicPartition> partitions) {
        assigned.clear();
        assigned.addAll(partitions);
        positions.keySet().retainAll(assigned);
        pausedParts.retainAll(assigned);
    }

    @Override
    public synchronized Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    @Override
    public synchronized void seek(TopicPartition tp, long offset) {
        positions.put(tp, offset);
    }

    @Override
    public synchronized void seekToBeginning(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> positions.put(tp, 0L));
    }

    @Override
    public synchronized void seekToEnd(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> positions.put(tp, end(tp)));
    }

    @Override
    public synchronized long position(TopicPartition tp) {
        long p = positions.getOrDefault(tp, 0L);
        if (p > end(tp)) {
            p = 0; // the partition is shorter than our position: recreated; read it from the start
        }
        positions.put(tp, p);
        return p;
    }

    @Override
    public synchronized long position(TopicPartition tp, Duration timeout) {
        return position(tp);
    }

    private long end(TopicPartition tp) {
        return kafka.exists(tp.topic()) && tp.partition() < kafka.partitionCount(tp.topic()) ? kafka.partition(tp.topic(), tp.partition()).size() : 0;
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        lastPollWaitMs = timeout.toMillis();
        if (woken) {
            woken = false;
            throw new WakeupException();
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
        int n = 0;
        for (TopicPartition tp : assigned) {
            if (pausedParts.contains(tp) || end(tp) == 0) {
                continue;
            }
            List<SimKafka.Rec> log = kafka.partition(tp.topic(), tp.partition());
            long pos = position(tp);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (pos < log.size() && n < MAX_POLL_RECORDS) {
                records.add(toConsumerRecord(log.get((int) pos++)));
                n++;
            }
            positions.put(tp, pos);
            if (!records.isEmpty()) {
                out.put(tp, records);
            }
        }
        return new ConsumerRecords<>(out, Map.of());
    }

    static ConsumerRecord<byte[], byte[]> toConsumerRecord(SimKafka.Rec r) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), TimestampType.CREATE_TIME,
                r.key() == null ? -1 : r.key().length, r.value() == null ? -1 : r.value().length, r.key(), r.value(), r.headers(),
                Optional.empty());
    }

    @Override
    public synchronized List<PartitionInfo> partitionsFor(String topic) {
        return kafka.infos(topic);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return partitionsFor(topic);
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query) {
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        query.forEach((tp, time) -> {
            if (time < 0) {
                throw new IllegalArgumentException("The target time for partition " + tp + " is " + time + ". The target time cannot be negative.");
            }
            OffsetAndTimestamp found = null;
            if (end(tp) > 0) {
                for (SimKafka.Rec r : kafka.partition(tp.topic(), tp.partition())) {
                    if (r.timestamp() >= time) {
                        found = new OffsetAndTimestamp(r.offset(), r.timestamp());
                        break;
                    }
                }
            }
            out.put(tp, found);
        });
        return out;
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query, Duration timeout) {
        return offsetsForTimes(query);
    }

    @Override
    public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, end(tp)));
        return out;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return endOffsets(partitions);
    }

    @Override
    public synchronized Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, 0L));
        return out;
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return beginningOffsets(partitions);
    }

    @Override
    public synchronized void pause(Collection<TopicPartition> partitions) {
        partitions.stream().filter(assigned::contains).forEach(pausedParts::add);
    }

    @Override
    public synchronized void resume(Collection<TopicPartition> partitions) {
        pausedParts.removeAll(partitions);
    }

    @Override
    public synchronized Set<TopicPartition> paused() {
        return Set.copyOf(pausedParts);
    }

    @Override
    public synchronized void wakeup() {
        woken = true;
        onWakeup.run();
    }

    /** How long the last poll would have waited for records: when its task wants to be called again. */
    long lastPollWaitMs() {
        return lastPollWaitMs;
    }

    void onWakeup(Runnable r) {
        this.onWakeup = r;
    }

    @Override
    public synchronized void close(Duration timeout) {
        isClosed = true;
    }

    @Override
    public void close() {
        isClosed = true;
    }

    boolean isClosed() {
        return isClosed;
    }
}
