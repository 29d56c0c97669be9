package io.ltx2.connect.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consumer over in-memory partition logs ({@link Logs}), served by position as a broker does:
 * manual assignment over any topics, seeks back and forth, pause and resume, offsets for times, and
 * a position past a partition's end (a recreated topic) starting over, as {@code auto.offset.reset=earliest}
 * does. Kafka's MockConsumer hands each added record out once; the code under test seeks back and
 * scans again, so this reads the logs themselves. A poll never blocks.
 */
public class LogConsumer extends MockConsumer<byte[], byte[]> {
    private static final int MAX_POLL_RECORDS = 200;

    /** The partitions of a topic (empty when it does not exist) and each partition's records, the offset being the index. */
    public interface Logs {
        List<PartitionInfo> infos(String topic);

        List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp);
    }

    private final Logs logs;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Set<TopicPartition> pausedParts = new LinkedHashSet<>();
    private KafkaException nextPollException;
    private boolean isClosed;

    public LogConsumer(Logs logs) {
        super("earliest");
        this.logs = logs;
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
            p = 0; // shorter than the position: recreated; read from the start
        }
        positions.put(tp, p);
        return p;
    }

    @Override
    public synchronized long position(TopicPartition tp, Duration timeout) {
        return position(tp);
    }

    private long end(TopicPartition tp) {
        return tp.partition() < logs.infos(tp.topic()).size() ? logs.records(tp).size() : 0;
    }

    /** The next poll throws {@code e} (once), as a client whose broker went away or refused it does. */
    @Override
    public synchronized void setPollException(KafkaException e) {
        nextPollException = e;
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        beforePoll(timeout);
        if (nextPollException != null) {
            KafkaException e = nextPollException;
            nextPollException = null;
            throw e;
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
        int n = 0;
        for (TopicPartition tp : assigned) {
            if (pausedParts.contains(tp) || end(tp) == 0) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> log = logs.records(tp);
            long pos = position(tp);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (pos < log.size() && n < MAX_POLL_RECORDS) {
                records.add(log.get((int) pos++));
                n++;
            }
            positions.put(tp, pos);
            if (!records.isEmpty()) {
                out.put(tp, records);
            }
        }
        return new ConsumerRecords<>(out, Map.of());
    }

    /** Called first by every poll, with its time-out (a subclass may throw a WakeupException, say). */
    protected void beforePoll(Duration timeout) {
    }

    @Override
    public synchronized List<PartitionInfo> partitionsFor(String topic) {
        return logs.infos(topic);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return partitionsFor(topic);
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query) {
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        query.forEach((tp, time) -> {
            if (time < 0) { // as KafkaConsumer does
                throw new IllegalArgumentException("The target time for partition " + tp + " is " + time + ". The target time cannot be negative.");
            }
            OffsetAndTimestamp found = null;
            if (end(tp) > 0) {
                for (ConsumerRecord<byte[], byte[]> r : logs.records(tp)) {
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
    public synchronized void close(Duration timeout) {
        isClosed = true;
    }

    @Override
    public void close() {
        isClosed = true;
    }

    @Override
    public synchronized boolean closed() {
        return isClosed;
    }
}
