package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.util.Times;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Requests whose earlier create may exist without a SUBMITTED record (the restart scan found
 * INTENTs without an outcome) wait here before anything is created again: an earlier owner's
 * create may still be answered, and a task it made may still call back. It follows the tracking
 * topic, from where the scan that found the request stopped, for the records that settle those
 * attempts:
 * <ul>
 *   <li>a SUBMITTED or REJECTED record of the request: the earlier owner's create was answered
 *   after all (it was on the wire when the partition moved): nothing is created again;</li>
 *   <li>a WITHDRAWN record: that attempt never reached the API; once every open attempt is
 *   withdrawn, the request is submitted at once, without naming them as possible charges;</li>
 *   <li>callback mode: a CALLBACK naming the request: its task is adopted, no second create;</li>
 *   <li>an INTENT: another attempt of an earlier owner (a zombie that was not told of the
 *   rebalance yet): it joins the open ones.</li>
 * </ul>
 * A request with attempts still open when its wait is over is submitted again, and its event names
 * them. The wait: until no create of an earlier owner can still be answered ({@code answerBound}
 * after the wait began: once its partition was closed, an earlier owner only waits for the create on
 * the wire, never sends another); in callback mode also until {@code adoptionTimeout} after the last
 * INTENT (a task's callback comes after its generation and the API's callback retries).
 *
 * <p>The consumer reads all tracking partitions while requests wait, and is closed when none does.
 * Task thread only.
 */
final class OrphanWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrphanWatcher.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /** The task of a request's unanswered create, adopted through its callback. */
    record Adopted(Submission submission, String taskId) {
    }

    /**
     * What one look at the tracking topic decided: requests whose task is adopted, requests an
     * earlier owner's answer settled, and requests to submit (again).
     */
    record Decided(List<Adopted> adopted, List<Submission> answered, List<Submission> resubmit) {
        static final Decided NONE = new Decided(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return adopted.isEmpty() && answered.isEmpty() && resubmit.isEmpty();
        }
    }

    /** One waiting request: its attempts not yet settled, and when its wait is over. */
    private static final class Waiting {
        final Submission submission;
        final Set<Integer> open = new HashSet<>();
        long deadline;

        Waiting(Submission submission) {
            this.submission = submission;
        }
    }

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final boolean callbacks;
    private final Duration answerBound;
    private final Duration adoptionTimeout;
    /** Keyed by the request's tracking key (its identity), which every record of the request carries. */
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private Consumer<byte[], byte[]> consumer;
    private List<TopicPartition> partitions = List.of();

    /**
     * @param callbacks       callback mode: a callback naming a waiting request adopts its task
     * @param answerBound     how long after the wait begins an earlier owner's create may still be answered
     * @param adoptionTimeout callback mode: how long after its last INTENT a task's callback may come
     */
    OrphanWatcher(String topic, Supplier<Consumer<byte[], byte[]>> consumers, boolean callbacks, Duration answerBound,
                  Duration adoptionTimeout) {
        this.topic = topic;
        this.consumers = consumers;
        this.callbacks = callbacks;
        this.answerBound = answerBound;
        this.adoptionTimeout = adoptionTimeout;
    }

    /** Holds {@code s}, whose earlier attempts {@code earlier} (as the scan found them) may exist. */
    void await(Submission s, PriorAttempts.Found earlier, long now) {
        Waiting w = new Waiting(s);
        earlier.attempts().forEach(a -> w.open.add(a.number()));
        long lastIntent = earlier.attempts().stream().mapToLong(Attempt::time).max().orElse(now);
        w.deadline = Times.plus(now, answerBound.toMillis());
        if (callbacks) {
            w.deadline = Math.max(w.deadline, Times.plus(lastIntent, adoptionTimeout.toMillis()));
        }
        waiting.put(s.request().identity().key(), w);
        follow(earlier.scanEnds(), lastIntent);
        log.info("{} has create attempts {} that may exist without an answer: waiting up to {} s for {} before submitting it again", s,
                earlier.attempts(), Math.max(0, (w.deadline - now) / 1000), callbacks ? "their answer or callback" : "their answer");
    }

    int waiting() {
        return waiting.size();
    }

    /** Reads what arrived and decides what it can. */
    Decided poll(long now) {
        if (waiting.isEmpty()) {
            close();
            return Decided.NONE;
        }
        List<Adopted> adopted = new ArrayList<>();
        List<Submission> answered = new ArrayList<>();
        List<Submission> resubmit = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
                Waiting w = r.key() == null ? null : waiting.get(new String(r.key(), StandardCharsets.UTF_8));
                TrackingRecord record = w == null ? null : decode(r);
                // Same key, another input topic id: a request of a deleted topic of the same name, at the same coordinates.
                if (record != null && sameTopic(w.submission.request().identity().topicId(), record)) {
                    settle(w, record, now, adopted, answered, resubmit);
                }
            }
        } catch (KafkaException e) {
            log.warn("Cannot read the tracking topic for the answers of earlier creates right now; will retry", e);
        }
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (now >= w.deadline) {
                it.remove();
                resubmit.add(w.submission);
                log.warn("{}: no answer{} for its earlier create attempts {} in time; submitting it again, and its event will name them "
                        + "as possibly billed", w.submission, callbacks ? " or callback" : "", w.open);
            }
        }
        return adopted.isEmpty() && answered.isEmpty() && resubmit.isEmpty() ? Decided.NONE : new Decided(adopted, answered, resubmit);
    }

    private static TrackingRecord decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            return TrackingRecordCodec.decode(r.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return null;
        }
    }

    private void settle(Waiting w, TrackingRecord record, long now, List<Adopted> adopted, List<Submission> answered,
                        List<Submission> resubmit) {
        String key = w.submission.request().identity().key();
        TrackingRecordType type = record.type();
        if (type == TrackingRecordType.SUBMITTED || type == TrackingRecordType.REJECTED && !FailCodes.DRY_RUN.equals(record.failCode())) {
            waiting.remove(key);
            answered.add(w.submission);
        } else if (type == TrackingRecordType.CALLBACK && callbacks && record.taskId() != null) {
            waiting.remove(key);
            adopted.add(new Adopted(w.submission, record.taskId()));
        } else if (type == TrackingRecordType.WITHDRAWN && record.attempt() != null && w.open.remove(record.attempt())) {
            w.submission.confirmedNothing(List.of(record.attempt()));
            if (w.open.isEmpty()) {
                waiting.remove(key);
                resubmit.add(w.submission);
                log.info("{}: its earlier create attempts were withdrawn before reaching the API; submitting it now", w.submission);
            }
        } else if (type == TrackingRecordType.INTENT && record.attempt() != null && w.open.add(record.attempt())) {
            w.submission.mayExist(new Attempt(record.attempt(), record.time()));
            w.deadline = Math.max(w.deadline, Times.plus(now, answerBound.toMillis()));
        }
    }

    /** Whether {@code record} may be of the request of input topic id {@code topicId}: unless both ids are known and differ. */
    private static boolean sameTopic(String topicId, TrackingRecord record) {
        String other = record.identity() == null ? null : record.identity().topicId();
        return topicId == null || other == null || topicId.equals(other);
    }

    /** Drops the waiting requests of revoked partitions: the next owner finds them again. */
    List<Submission> revoked(Collection<TopicPartition> inputPartitions) {
        List<Submission> dropped = new ArrayList<>();
        waiting.values().removeIf(w -> inputPartitions.contains(w.submission.partition()) && dropped.add(w.submission));
        return dropped;
    }

    /**
     * Reads from {@code scanEnds} (where the request's scan stopped; null: from {@code since} by
     * timestamp): partitions already read past that point are read again from it, so a request found
     * by an earlier scan than the one the consumer started from misses none of its records.
     */
    private void follow(Map<TopicPartition, Long> scanEnds, long since) {
        boolean fresh = consumer == null;
        if (fresh) {
            consumer = consumers.get();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            partitions = infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long end = scanEnds == null ? null : scanEnds.get(tp);
            if (end != null) {
                if (fresh || consumer.position(tp, METADATA_TIMEOUT) > end) {
                    consumer.seek(tp, end);
                }
            } else {
                query.put(tp, Math.max(0, since));
            }
        }
        if (query.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, METADATA_TIMEOUT);
        for (TopicPartition tp : query.keySet()) {
            OffsetAndTimestamp start = starts.get(tp);
            if (start != null && (fresh || consumer.position(tp, METADATA_TIMEOUT) > start.offset())) {
                consumer.seek(tp, start.offset());
            } else if (start == null && fresh) {
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
