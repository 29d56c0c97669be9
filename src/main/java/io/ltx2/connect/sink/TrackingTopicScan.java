package io.ltx2.connect.sink;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads every record of the tracking topic written since a time, up to the end the topic had when
 * the scan began (so a busy topic cannot keep it going). The restart dedup ({@link DedupIndex}) and
 * the spend caps ({@link BudgetHistory}) both rebuild their state this way.
 */
final class TrackingTopicScan {

    private TrackingTopicScan() {
    }

    /**
     * Hands each record written at or after {@code fromTimestamp} to {@code each}.
     *
     * @param what what the scan is for, for the time-out message
     * @return the records read, or -1 when the topic does not exist
     * @throws RetriableException when the scan does not finish within {@code timeout}
     */
    static long readSince(Consumer<byte[], byte[]> consumer, String topic, long fromTimestamp, Duration timeout, String what,
                          java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return -1;
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, fromTimestamp));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> toRead = new HashMap<>();
        starts.forEach((tp, start) -> {
            if (start != null && start.offset() < ends.getOrDefault(tp, 0L)) {
                toRead.put(tp, start.offset());
            }
        });
        consumer.pause(partitions.stream().filter(tp -> !toRead.containsKey(tp)).toList());
        toRead.forEach(consumer::seek);
        Set<TopicPartition> remaining = new HashSet<>(toRead.keySet());
        long read = 0;
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new RetriableException(what + " did not finish in " + timeout.toMillis() + " ms; will retry");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                read++;
                each.accept(r);
            }
            remaining.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
        }
        return read;
    }
}
