package io.ltx2.connect.source;

import io.ltx2.connect.tracking.TopicIds;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the reading of each tracking partition starts, in two steps. {@link #load} at the task's
 * start, without the tracking cluster: assigns the partitions and reads the progress stored in
 * Connect's offsets (an unreadable one fails the start). {@link #seek} on the first poll: checks
 * that the partitions exist and seeks the consumer to the stored progress, or to the beginning of
 * a partition without one or whose topic was recreated; while the tracking cluster cannot answer it
 * throws Kafka's retriable exceptions and may be called again, the stored progress left as it was.
 */
final class ProgressRestore {
    private static final Logger log = LoggerFactory.getLogger(ProgressRestore.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    /** The progress stored in Connect's offsets, by partition: read at start. */
    private final Map<Integer, PartitionProgress> stored = new TreeMap<>();
    private List<TopicPartition> assigned = List.of();

    ProgressRestore(String topic, Consumer<byte[], byte[]> consumer) {
        this.topic = topic;
        this.consumer = consumer;
    }

    /** Assigns the partitions and reads their stored progress. @throws ConnectException when a stored offset is unreadable */
    void load(List<Integer> partitions, OffsetStorageReader offsets) {
        assigned = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(assigned);
        Map<Map<String, Object>, Map<String, Object>> found = offsets.offsets(
                partitions.stream().map(p -> SourceOffsets.partition(topic, p)).toList());
        for (TopicPartition tp : assigned) {
            Map<String, Object> offset = found == null ? null : found.get(SourceOffsets.partition(topic, tp.partition()));
            if (offset != null) {
                stored.put(tp.partition(), parse(tp, offset));
            }
        }
    }

    /**
     * Seeks each partition to its stored progress, or to its beginning when none is stored or the
     * stored one was made on another topic of the same name (recreated, or truncated below the
     * stored watermark); returns the progress of each partition.
     *
     * @throws org.apache.kafka.common.errors.RetriableException (a TimeoutException, say) while the cluster cannot tell
     * @throws ConnectException when the topic or one of the partitions does not exist
     */
    Map<Integer, PartitionProgress> seek(TopicIds topicIds) {
        requireAssignedPartitions();
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, METADATA_TIMEOUT);
        String topicId = topicIds.idOf(topic);
        Map<Integer, PartitionProgress> sought = new TreeMap<>();
        for (TopicPartition tp : assigned) {
            PartitionProgress p = stored.get(tp.partition());
            if (p != null && isStale(tp, p, topicId, ends.get(tp))) {
                p = null;
            }
            if (p == null) {
                consumer.seekToBeginning(List.of(tp));
                p = new PartitionProgress(consumer.position(tp, METADATA_TIMEOUT));
            } else {
                consumer.seek(tp, p.watermark());
                warnIfDeleted(tp, p.watermark());
            }
            sought.put(tp.partition(), p);
        }
        if (topicId != null) { // only once every call succeeded: a failed attempt leaves the stored progress as it was
            sought.values().forEach(p -> p.topicId(topicId));
        }
        return sought;
    }

    private void requireAssignedPartitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        Set<Integer> exist = infos == null ? Set.of() : infos.stream().map(PartitionInfo::partition).collect(Collectors.toSet());
        List<Integer> missing = assigned.stream().map(TopicPartition::partition).filter(p -> !exist.contains(p)).toList();
        if (!missing.isEmpty()) {
            throw new ConnectException("Tracking topic " + topic + (exist.isEmpty() ? " does not exist" : " has no partitions " + missing)
                    + " on the tracking cluster (ltx.tracking.bootstrap.servers): it was deleted, or recreated with fewer "
                    + "partitions; restart the task once it exists (POST /connectors/<name>/tasks/<n>/restart)");
        }
    }

    private static PartitionProgress parse(TopicPartition tp, Map<String, Object> offset) {
        try {
            return PartitionProgress.fromOffset(offset);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("Stored source offset of tracking partition " + tp + " is unreadable: " + e.getMessage()
                    + "; reset it with the REST API (PATCH or DELETE /connectors/<name>/offsets)");
        }
    }

    /** True when the stored progress belongs to an earlier topic of this name: its watermark would skip new records. */
    private static boolean isStale(TopicPartition tp, PartitionProgress p, String topicId, Long end) {
        if (p.topicId() != null && topicId != null && !p.topicId().equals(topicId)) {
            log.warn("Tracking topic {} was recreated: the stored offset of partition {} was made on topic id {}, the topic's id is now "
                    + "{}; reading the partition from its beginning", tp.topic(), tp.partition(), p.topicId(), topicId);
            return true;
        }
        if (end != null && p.watermark() > end) {
            log.warn("Stored watermark {} of tracking partition {} is above its end offset {}: the topic was recreated or truncated; "
                    + "reading the partition from its beginning", p.watermark(), tp, end);
            return true;
        }
        return false;
    }

    private void warnIfDeleted(TopicPartition tp, long watermark) {
        Long logStart = consumer.beginningOffsets(List.of(tp), METADATA_TIMEOUT).get(tp);
        if (logStart != null && logStart > watermark) {
            log.warn("Tracking records {}..{} of {} were deleted (retention) before they were resolved: their requests get "
                    + "no event. Keep the tracking topic's retention well above ltx.task.timeout.ms.", watermark, logStart - 1, tp);
        }
    }
}
