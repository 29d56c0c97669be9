package io.ltx2.connect.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The input offsets that are delivered but not yet fully handled (tracking record acknowledged,
 * and the DLQ report written when there is one), per ORIGINAL topic-partition. Completions arrive
 * out of order from HTTP and producer threads; {@link #committable} only ever lets Connect commit
 * below the oldest unfinished record, so a crash redelivers everything not yet durable.
 */
final class OffsetTracker {
    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();

    synchronized void begin(TopicPartition tp, long offset) {
        pending.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    }

    synchronized void complete(TopicPartition tp, long offset) {
        TreeSet<Long> offsets = pending.get(tp);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    /**
     * What may be committed: for a partition with unfinished records, the oldest of them (Connect
     * commits the next offset to read); for the others, Connect's own consumed position, since every
     * record handed to {@code put} is tracked before {@code put} returns.
     */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> consumed) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        consumed.forEach((tp, position) -> {
            TreeSet<Long> offsets = pending.get(tp);
            if (offsets == null || offsets.isEmpty()) {
                out.put(tp, position);
            } else {
                long oldest = offsets.first();
                out.put(tp, new OffsetAndMetadata(Math.min(oldest, position.offset()), position.metadata()));
            }
        });
        return out;
    }

    synchronized int pendingCount() {
        return pending.values().stream().mapToInt(TreeSet::size).sum();
    }

    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove);
    }
}
