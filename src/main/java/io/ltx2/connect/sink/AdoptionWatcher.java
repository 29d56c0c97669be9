package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Callback mode: requests whose create may exist on the API side without a SUBMITTED record (an
 * earlier owner crashed in between) wait here instead of being created again. The API calls the
 * callback URL of such a task when it finishes, and that URL names the request; the receiver
 * writes a CALLBACK record keyed by it, which the source uses to adopt the task and emit the
 * request's event. When this watcher sees that record, the request is done and nothing is
 * submitted again: the crash cost no second video. If no callback comes within
 * {@code ltx.sink.adoption.timeout.ms} of the last INTENT (the create never reached the API, or its
 * callback was lost), the request is submitted again and its event names the earlier attempt.
 *
 * <p>It follows the tracking topic with its own consumer, from where the restart scan ended, only
 * while requests wait. Task thread only.
 */
final class AdoptionWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdoptionWatcher.class);

    /** What one look at the tracking topic decided. */
    record Decided(List<Submission> adopted, List<Submission> expired) {
        static final Decided NONE = new Decided(List.of(), List.of());
    }

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Duration timeout;
    private final Map<RequestIdentity, Submission> waiting = new LinkedHashMap<>();
    private Consumer<byte[], byte[]> consumer;

    AdoptionWatcher(String topic, Supplier<Consumer<byte[], byte[]>> consumers, Duration timeout) {
        this.topic = topic;
        this.consumers = consumers;
        this.timeout = timeout;
    }

    /**
     * Holds a request whose last INTENT was written at {@code lastIntentTime}; {@code scanEnds} is
     * where the restart scan stopped reading (null: follow from the intent's time).
     */
    void await(Submission s, long lastIntentTime, Map<TopicPartition, Long> scanEnds) {
        s.adoptionDeadline = lastIntentTime + timeout.toMillis();
        waiting.put(s.request().identity(), s);
        if (consumer == null) {
            consumer = consumers.get();
            startFollowing(scanEnds, lastIntentTime);
        }
        log.info("Request '{}' ({}) has a create that may exist without an answer: waiting up to {} s for its callback before "
                + "submitting it again", s.request().requestId(), s.request().identity(), timeout.toSeconds());
    }

    int waiting() {
        return waiting.size();
    }

    /** Reads what arrived; returns the requests adopted through their callback and those that waited too long. */
    Decided poll(long now) {
        if (waiting.isEmpty()) {
            close();
            return Decided.NONE;
        }
        List<Submission> adopted = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
                Submission s = callbackFor(r);
                if (s != null) {
                    waiting.remove(s.request().identity());
                    adopted.add(s);
                }
            }
        } catch (KafkaException e) {
            log.warn("Cannot read the tracking topic for callbacks right now; will retry", e);
        }
        List<Submission> expired = new ArrayList<>();
        for (Iterator<Submission> it = waiting.values().iterator(); it.hasNext(); ) {
            Submission s = it.next();
            if (now >= s.adoptionDeadline) {
                it.remove();
                expired.add(s);
            }
        }
        return adopted.isEmpty() && expired.isEmpty() ? Decided.NONE : new Decided(adopted, expired);
    }

    /** Drops the waiting requests of revoked partitions: the next owner finds them again. */
    List<Submission> revoked(Collection<TopicPartition> partitions) {
        List<Submission> dropped = new ArrayList<>();
        waiting.values().removeIf(s -> partitions.contains(s.partition()) && dropped.add(s));
        return dropped;
    }

    private Submission callbackFor(ConsumerRecord<byte[], byte[]> r) {
        try {
            TrackingRecord record = TrackingRecordCodec.decode(r.value());
            return record.type() == TrackingRecordType.CALLBACK && record.identity() != null ? waiting.get(record.identity()) : null;
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return null;
        }
    }

    private void startFollowing(Map<TopicPartition, Long> scanEnds, long since) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        List<TopicPartition> partitions = infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.stream().filter(tp -> scanEnds == null || !scanEnds.containsKey(tp)).forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> starts = query.isEmpty() ? Map.of() : consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            Long end = scanEnds == null ? null : scanEnds.get(tp);
            OffsetAndTimestamp start = starts.get(tp);
            if (end != null) {
                consumer.seek(tp, end);
            } else if (start != null) {
                consumer.seek(tp, start.offset());
            } else {
                consumer.seekToEnd(List.of(tp));
            }
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
            consumer = null;
        }
    }
}
