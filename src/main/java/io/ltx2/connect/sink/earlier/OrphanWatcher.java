package io.ltx2.connect.sink.earlier;

import io.ltx2.connect.sink.create.Submission;
import io.ltx2.connect.tracking.TrackingFeed;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.util.Times;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests whose next create waits on what the tracking topic says of their earlier attempts, decided
 * by each request's {@link RequestLifecycle} as the records come:
 * <ul>
 *   <li>a record handed out again whose restart scan found attempts that may exist unanswered ({@link #await});</li>
 *   <li>a RETRY's new attempt, until the request's records up to the RETRY were read ({@link #awaitRetry}): an
 *   earlier owner may have made that attempt already (and crashed);</li>
 *   <li>callback mode: a create whose answer was lost or ambiguous, until its task calls back ({@link #awaitCallback}).</li>
 * </ul>
 * A later attempt answered: nothing is created ({@code answered}); a callback of a task no answer named: it is adopted;
 * every open attempt withdrawn: created at once; open attempts at the deadline: created again, naming them. The deadline:
 * until no create of an earlier owner can still be answered ({@code answerBound} after the wait began, or after the last
 * INTENT read), in callback mode also until {@code adoptionTimeout} after the last INTENT (a task calls back after its
 * generation and the API's callback retries). The task's {@link TrackingFeed} reads the tracking topic again from the
 * earliest point a waiting request needs (records read twice fold to the same lifecycle); a Kafka error delays the wait,
 * never fails the task (but a missing ACL, which is named). Task thread only.
 */
public final class OrphanWatcher {
    private static final Logger log = LoggerFactory.getLogger(OrphanWatcher.class);

    /** The task of a request's unanswered create, adopted through its callback; {@code attempt} made it (null: unknown), {@code open} may exist. */
    public record Adopted(Submission submission, String taskId, Integer attempt, List<Attempt> open) {
    }

    /** What one look at the tracking topic decided: requests whose task is adopted, requests answered already, requests to create now. */
    public record Decided(List<Adopted> adopted, List<Submission> answered, List<Submission> resubmit) {
        static final Decided NONE = new Decided(List.of(), List.of(), List.of());
    }

    /** One waiting request: what is known of it, from which attempt on, and until when. */
    private static final class Waiting {
        final Submission submission;
        final RequestLifecycle lifecycle;
        long deadline;
        /** A catch-up: no decision before {@code partition} was read past {@code upTo} (-1: none). */
        int partition = -1;
        long upTo = -1;
        int open;

        Waiting(Submission submission, long deadline) {
            this.submission = submission;
            this.lifecycle = submission.history();
            this.deadline = deadline;
            this.open = lifecycle.sinkDecision(submission.after()).open().size();
        }
    }

    private final TrackingFeed feed;
    private final boolean callbacks;
    private final Duration answerBound;
    private final Duration adoptionTimeout;
    /**
     * By identity, its input topic id included: the request of a recreated topic and the old one at its coordinates may
     * both wait (simulation seed 34444: keyed by coordinates, one wait replaced the other, whose request was then lost).
     */
    private final Map<RequestIdentity, Waiting> waiting = new LinkedHashMap<>();
    /** The same, by the tracking key every record of the request carries (the coordinates): whose records these are. */
    private final Map<String, List<Waiting>> byKey = new HashMap<>();

    /**
     * @param callbacks       callback mode: a callback naming a waiting request adopts its task
     * @param answerBound     how long after the wait begins an earlier owner's create may still be answered
     * @param adoptionTimeout callback mode: how long after its last INTENT a task's callback may come
     */
    public OrphanWatcher(TrackingFeed feed, boolean callbacks, Duration answerBound, Duration adoptionTimeout) {
        this.feed = feed;
        feed.listen(this::onRecord);
        this.callbacks = callbacks;
        this.answerBound = answerBound;
        this.adoptionTimeout = adoptionTimeout;
    }

    /** Holds {@code s}, whose restart scan found attempts that may exist unanswered (its history has them). */
    public void await(Submission s, PriorAttempts.Found earlier, long now) {
        long lastIntent = earlier.attempts().stream().mapToLong(Attempt::time).max().orElse(now);
        Waiting w = hold(s, deadline(now, lastIntent));
        feed.from(earlier.scanEnds());
        log.info("{} has create attempts {} that may exist without an answer: waiting up to {} s for {} before submitting it again", s,
                earlier.attempts(), Math.max(0, (w.deadline - now) / 1000), callbacks ? "their answer or callback" : "their answer");
    }

    /**
     * Holds {@code s}, a RETRY's new attempt, until the request's records on {@code partition} up to the RETRY at {@code
     * retryOffset} were read, from the failed task's submission ({@code since}): an earlier owner may have made it already.
     */
    void awaitRetry(Submission s, int partition, long retryOffset, long since, long now) {
        Waiting w = hold(s, now);
        w.partition = partition;
        w.upTo = retryOffset;
        feed.fromTime(partition, since);
    }

    /** Callback mode: the current attempt of {@code s} failed ambiguously; its task, if it made one, calls back. */
    public void awaitCallback(Submission s, long now) {
        Attempt current = s.current();
        s.unconfirmedWithCurrent().forEach(s.history()::mayExist); // its own attempts: known before their records are read
        // From now, not from the INTENT: the create may have waited long (503s, a 402) before it went out, ambiguously.
        Waiting w = hold(s, Math.max(Times.plus(now, answerBound.toMillis()), Times.plus(now, adoptionTimeout.toMillis())));
        if (s.trackingPartition() != null && s.intentOffset() >= 0) {
            feed.from(Map.of(feed.partition(s.trackingPartition()), s.intentOffset()));
        }
        log.info("{}: create attempt {} got no usable answer; waiting up to {} s for its task's callback before another attempt", s,
                current == null ? "?" : current.number(), Math.max(0, (w.deadline - now) / 1000));
    }

    private Waiting hold(Submission s, long deadline) {
        Waiting w = new Waiting(s, deadline);
        RequestIdentity id = s.request().identity();
        Waiting replaced = waiting.put(id, w);
        if (replaced != null) {
            unindex(replaced);
        }
        byKey.computeIfAbsent(id.key(), k -> new ArrayList<>(1)).add(w);
        return w;
    }

    private long deadline(long now, long lastIntent) {
        long d = Times.plus(now, answerBound.toMillis());
        return callbacks ? Math.max(d, Times.plus(lastIntent, adoptionTimeout.toMillis())) : d;
    }

    public int waiting() {
        return waiting.size();
    }

    /** Whether the request {@code id} (its input topic id included) waits here. */
    boolean holds(RequestIdentity id) {
        return waiting.containsKey(id);
    }

    private void unindex(Waiting w) {
        String key = w.submission.request().identity().key();
        List<Waiting> same = byKey.get(key);
        if (same != null && same.remove(w) && same.isEmpty()) {
            byKey.remove(key);
        }
    }

    /** A record the feed read: folded into the lifecycle of the waiting request it is of, if any (read again or not). */
    private void onRecord(ConsumerRecord<byte[], byte[]> r, boolean again) {
        List<Waiting> same = r.key() == null || byKey.isEmpty() ? null : byKey.get(new String(r.key(), StandardCharsets.UTF_8));
        TrackingRecord record = same == null ? null : decode(r);
        if (record == null) {
            return;
        }
        for (Waiting w : same) {
            if (sameTopic(w, record)) {
                w.lifecycle.fold(record, r.partition());
            }
        }
    }

    /** Reads what arrived and decides what it can. */
    public Decided poll(long now) {
        if (waiting.isEmpty()) {
            return Decided.NONE;
        }
        feed.poll();
        return decide(now);
    }

    private Decided decide(long now) {
        List<Adopted> adopted = new ArrayList<>();
        List<Submission> answered = new ArrayList<>();
        List<Submission> resubmit = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.upTo >= 0 && !feed.readPast(w.partition, w.upTo)) {
                continue; // the RETRY's catch-up is not done
            }
            RequestLifecycle.Decision d = w.lifecycle.sinkDecision(w.submission.after());
            boolean done = switch (d.verdict()) {
                case HANDLED -> answered.add(w.submission);
                case ADOPT -> adopted.add(new Adopted(w.submission, d.adoptTask(), d.adoptAttempt(), d.open()));
                case NEW -> resubmit.add(reconsidered(w.submission, d));
                case ORPHANED -> expired(w, d, now, resubmit);
            };
            if (done) {
                it.remove();
                unindex(w);
            }
        }
        return adopted.isEmpty() && answered.isEmpty() && resubmit.isEmpty() ? Decided.NONE : new Decided(adopted, answered, resubmit);
    }

    /** Open attempts: past the deadline the request is created again, naming them; a new one seen moves the deadline on. */
    private boolean expired(Waiting w, RequestLifecycle.Decision d, long now, List<Submission> resubmit) {
        if (w.upTo >= 0) {
            w.upTo = -1; // caught up: from now on an ordinary wait for the open attempts
            w.deadline = deadline(now, d.open().stream().mapToLong(Attempt::time).max().orElse(now));
        } else if (d.open().size() > w.open) {
            w.deadline = Math.max(w.deadline, Times.plus(now, answerBound.toMillis())); // another attempt of an earlier owner
        }
        w.open = d.open().size();
        boolean tooLate = w.submission.tooLate(now); // a RETRY's attempt: the source gives its failed event, none is made
        if (now < w.deadline && !tooLate) {
            return false;
        }
        resubmit.add(reconsidered(w.submission, d));
        if (tooLate) {
            return true;
        }
        log.warn("{}: no answer{} for its earlier create attempts {} in time; submitting it again, and its event will name them as "
                + "possibly billed", w.submission, callbacks ? " or callback" : "", d.open());
        return true;
    }

    private static Submission reconsidered(Submission s, RequestLifecycle.Decision d) {
        s.reconsider(d.open(), d.lastAttempt());
        return s;
    }

    /** Same key and, where both are known, the same input topic id: else a request of a deleted topic of the same name. */
    private static boolean sameTopic(Waiting w, TrackingRecord record) {
        String mine = w.submission.request().identity().topicId();
        String other = record.identity() == null ? null : record.identity().topicId();
        return mine == null || other == null || mine.equals(other);
    }

    private static TrackingRecord decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            return TrackingRecordCodec.decode(r.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return null;
        }
    }

    /** Drops the waiting requests of revoked partitions: the next owner finds them again. */
    public List<Submission> revoked(Collection<TopicPartition> inputPartitions) {
        List<Submission> dropped = new ArrayList<>();
        waiting.values().removeIf(w -> inputPartitions.contains(w.submission.partition()) && dropped.add(w.submission));
        dropped.forEach(s -> byKey.remove(s.request().identity().key()));
        return dropped;
    }
}
