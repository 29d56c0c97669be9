package io.ltx2.connect.demo;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts a pipeline's tracking records by type (read_committed, from the beginning), for what a
 * test cannot see on the events: how often the source asked for a new attempt of the same failed
 * task (a RETRY written again because no newer attempt answered it in {@code ltx.task.retry.resend.ms}).
 */
final class TrackingTally implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> requestIds;
    private final Map<TrackingRecordType, Integer> counts = new EnumMap<>(TrackingRecordType.class);
    /** request id + failed task id of every RETRY read, to the attempt it asked after: a second RETRY of the same pair is asked again. */
    private final Map<String, Integer> retried = new HashMap<>();
    private final List<String> askedAgain = new ArrayList<>();
    /** Asked again after the new attempt's INTENT was read: the new attempt went on the wire and got no answer in time. */
    private final List<String> askedAgainAfterNewAttempt = new ArrayList<>();
    /** Per request id, the highest attempt of its INTENTs read so far. */
    private final Map<String, Integer> newestIntent = new HashMap<>();
    /** Per request id, its records in the order read (per tracking partition: a request's records share one). */
    private final Map<String, List<String>> history = new HashMap<>();
    private final Map<String, Set<Integer>> withdrawn = new HashMap<>();

    TrackingTally(String bootstrap, String trackingTopic, Set<String> requestIds) {
        this.requestIds = Set.copyOf(requestIds);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "ltx-it-tracking-tally"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(trackingTopic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(trackingTopic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived within {@code timeout}. */
    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            TrackingRecord r;
            try {
                r = TrackingRecordCodec.decode(record.value());
            } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
                continue;
            }
            // CALLBACK records carry only the task id
            if (r.type() != TrackingRecordType.CALLBACK && (r.requestId() == null || !requestIds.contains(r.requestId()))) {
                continue;
            }
            counts.merge(r.type(), 1, Integer::sum);
            if (r.requestId() != null) {
                history.computeIfAbsent(r.requestId(), k -> new ArrayList<>()).add(r.type() + (r.attempt() == null ? "" : "#" + r.attempt())
                        + (r.failCode() == null ? "" : " " + r.failCode()) + (Boolean.TRUE.equals(r.adopted()) ? " adopted" : ""));
            }
            if (r.type() == TrackingRecordType.WITHDRAWN && r.attempt() != null) {
                withdrawn.computeIfAbsent(r.requestId(), k -> new TreeSet<>()).add(r.attempt());
            }
            if (r.type() == TrackingRecordType.INTENT && r.attempt() != null) {
                newestIntent.merge(r.requestId(), r.attempt(), Math::max);
            }
            if (r.type() == TrackingRecordType.RETRY) {
                retry(r);
            }
        }
    }

    private void retry(TrackingRecord r) {
        Integer first = retried.putIfAbsent(r.requestId() + "/" + r.taskId(), r.attempt());
        if (first == null) {
            return;
        }
        String what = r.requestId() + " (task " + r.taskId() + ", attempt " + r.attempt() + ", " + r.failCode() + ")";
        askedAgain.add(what);
        if (newestIntent.getOrDefault(r.requestId(), 0) > first) {
            askedAgainAfterNewAttempt.add(what);
        }
    }

    int count(TrackingRecordType type) {
        return counts.getOrDefault(type, 0);
    }

    /** RETRY records that asked again for a new attempt after the same failed task. */
    List<String> askedAgain() {
        return List.copyOf(askedAgain);
    }

    /**
     * RETRY records that asked again after the new attempt's INTENT was read: it went on the wire (met a 402, say) and was
     * not answered within {@code ltx.task.retry.resend.ms}.
     */
    List<String> askedAgainAfterNewAttempt() {
        return List.copyOf(askedAgainAfterNewAttempt);
    }

    /** The request's records read so far, as {@code TYPE#attempt [failCode] [adopted]}. */
    List<String> history(String requestId) {
        return List.copyOf(history.getOrDefault(requestId, List.of()));
    }

    /** The attempts of the request that WITHDRAWN records say never reached the API. */
    Set<Integer> withdrawn(String requestId) {
        return Set.copyOf(withdrawn.getOrDefault(requestId, Set.of()));
    }

    /** The counts by type, for the test's output. */
    String line() {
        return counts + ", RETRYs asked again " + askedAgain.size() + " (" + askedAgainAfterNewAttempt.size() + " after the new attempt's INTENT)";
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
