package io.ltx2.connect.tracking;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads every record of the tracking topic written since a time, up to the end the topic had when
 * the scan began (so a busy topic cannot keep it going). What the sink rebuilds after a restart
 * (the attempts of redelivered requests, the spend of the caps' windows) is read this way.
 */
public final class TrackingTopicScan {

    private TrackingTopicScan() {
    }

    /** What a scan read: how many records, and the end offsets it read up to (where a follower continues). */
    public record Result(long records, Map<TopicPartition, Long> ends) {
        public static final Result NO_TOPIC = new Result(-1, Map.of());

        public boolean topicExists() {
            return records >= 0;
        }
    }

    /**
     * Hands each record written at or after {@code fromTimestamp} to {@code each}.
     *
     * @param what what the scan is for, for the time-out message
     * @return what was read; {@link Result#NO_TOPIC} when the topic does not exist
     * @throws org.apache.kafka.connect.errors.RetriableException when the scan does not finish within {@code timeout},
     *                                                            or the cluster fails in a way that may pass
     * @throws org.apache.kafka.connect.errors.ConnectException naming the missing ACL when the principal may not read the topic
     */
    public static Result readSince(Consumer<byte[], byte[]> consumer, String topic, long fromTimestamp, Duration timeout, String what,
                                   java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try {
            return read(consumer, topic, fromTimestamp, timeout, what, each);
        } catch (RetriableException e) {
            // Kafka's own time-outs and retriable errors: the task retries the batch instead of failing.
            throw new org.apache.kafka.connect.errors.RetriableException(what + " failed for now (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); will retry", e);
        } catch (AuthorizationException e) {
            throw KafkaAccess.explain(e, "Read", topic);
        }
    }

    private static Result read(Consumer<byte[], byte[]> consumer, String topic, long fromTimestamp, Duration timeout, String what,
                               java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return Result.NO_TOPIC;
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> starts = starts(consumer, partitions, fromTimestamp, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> toRead = new HashMap<>();
        starts.forEach((tp, start) -> {
            if (start != null && start < ends.getOrDefault(tp, 0L)) {
                toRead.put(tp, start);
            }
        });
        consumer.pause(partitions.stream().filter(tp -> !toRead.containsKey(tp)).toList());
        toRead.forEach(consumer::seek);
        Set<TopicPartition> remaining = new HashSet<>(toRead.keySet());
        long read = 0;
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(what + " did not finish in " + timeout.toMillis() + " ms");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                read++;
                each.accept(r);
            }
            remaining.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
        }
        return new Result(read, Map.copyOf(ends));
    }

    /** Where each partition's first record written at or after {@code fromTimestamp} is (null: none); from the start for 0 or less. */
    private static Map<TopicPartition, Long> starts(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, long fromTimestamp,
                                                    Duration timeout) {
        if (fromTimestamp <= 0) {
            return new HashMap<>(consumer.beginningOffsets(partitions, timeout)); // all, records without a timestamp too
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, fromTimestamp));
        Map<TopicPartition, Long> starts = new HashMap<>();
        consumer.offsetsForTimes(query, timeout).forEach((tp, at) -> starts.put(tp, at == null ? null : at.offset()));
        return starts;
    }
}
