package io.ltx2.connect.sink.report;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input offsets that are delivered but not yet fully handled (tracking record acknowledged,
 * and the DLQ report written when there is one), per ORIGINAL topic-partition. Completions arrive
 * out of order from HTTP and producer threads; {@link #committable} only ever lets Connect commit
 * below the oldest unfinished record, so a crash redelivers everything not yet durable.
 *
 * <p>Each delivery of a record is a {@link Ticket} of its own, and only that ticket completes it:
 * an answer that arrives after its partition was closed (and perhaps assigned to this task again,
 * with the record handed out anew) completes nothing of the new ownership period.
 */
public final class OffsetTracker {
    private final Map<TopicPartition, TreeMap<Long, Ticket>> pending = new HashMap<>();

    /** One delivery of an input record, from {@link #begin} until its outcome is durable. */
    public static final class Ticket {
        private final TopicPartition partition;
        private final long offset;
        private volatile boolean writing;

        private Ticket(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** Tracks a record handed to {@code put}; a record handed out again replaces its earlier delivery. */
    public synchronized Ticket begin(TopicPartition tp, long offset) {
        Ticket t = new Ticket(tp, offset);
        pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, t);
        return t;
    }

    /** The delivery's outcome record is being written: closing its partition waits for it (the next owner's scan then sees it). */
    public void writing(Ticket ticket) {
        ticket.writing = true;
    }

    /** How many deliveries of {@code partitions} have their outcome record being written. */
    public synchronized int writing(Collection<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Ticket> offsets = pending.get(tp);
            n += offsets == null ? 0 : (int) offsets.values().stream().filter(t -> t.writing).count();
        }
        return n;
    }

    /** The delivery's outcome is durable; a ticket of a delivery that was forgotten or replaced changes nothing. */
    public synchronized void complete(Ticket ticket) {
        TreeMap<Long, Ticket> offsets = pending.get(ticket.partition);
        if (offsets != null) {
            offsets.remove(ticket.offset, ticket);
        }
    }

    /**
     * What may be committed: for a partition with unfinished records, the oldest of them (Connect
     * commits the next offset to read); for the others, Connect's own consumed position, since every
     * record handed to {@code put} is tracked before {@code put} returns.
     */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> consumed) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        consumed.forEach((tp, position) -> {
            TreeMap<Long, Ticket> offsets = pending.get(tp);
            if (offsets == null || offsets.isEmpty()) {
                out.put(tp, position);
            } else {
                long oldest = offsets.firstKey();
                out.put(tp, new OffsetAndMetadata(Math.min(oldest, position.offset()), position.metadata()));
            }
        });
        return out;
    }

    synchronized int pendingCount() {
        return pending.values().stream().mapToInt(TreeMap::size).sum();
    }

    public synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove);
    }
}
