package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestLifecycle;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One request on its way to the API, from the moment {@code put} accepts it until its outcome is
 * durable on the tracking topic. It belongs to the ownership period of its partition it was
 * accepted in ({@code ownership}): once the partition is closed, a create not yet on the wire is
 * withdrawn, and an outcome that is not an accepted task is left to the next owner.
 */
final class Submission {
    private final SinkRecord record;
    private final TopicPartition partition;
    private final SinkRequest request;
    private final int ownership;
    /** This delivery of the input record in the {@link OffsetTracker}: only it completes the record. */
    private final OffsetTracker.Ticket ticket;
    /** Attempts whose create may exist without a SUBMITTED record: found by the restart scan, or ambiguous failures. */
    private final List<Attempt> unconfirmed;
    /** The highest attempt number earlier owners used (withdrawn ones included). */
    private int earlierLast;
    /** The attempt this submission's create comes after: 0 for a record handed to the task, n for a RETRY after attempt n. */
    private final int after;
    /** Where the current attempt's INTENT landed: its offset on {@link #trackingPartition}, -1 before. */
    private long intentOffset = -1;
    /** What the tracking topic said of the request when this task took it, extended while it waits on earlier attempts. */
    private final RequestLifecycle history;
    /** A RETRY's attempt: no create may start after this (epoch ms), the source gives the failed event then. */
    private long createBy = Long.MAX_VALUE;
    /** Ambiguous failures waited out for a callback (callback mode), each a possible charge: bounded by ltx.sink.create.ambiguous.retries. */
    private int ambiguousWaits;
    /** The tracking partition of the request's records: where its first was written (null before), the next owner's scan found them. */
    private Integer trackingPartition;
    /** The attempt in progress, 0 before its INTENT. */
    private Attempt current;
    private boolean sent;
    /** The current attempt may be on the wire: its INTENT is durable and it has not failed or been answered yet. */
    private boolean onWire;
    /** The current attempt failed and waits for its retry; whether that failure may have created a task. */
    private boolean retryPending;
    private boolean lastFailureMayExist;
    /** A WITHDRAWN record was written for the current attempt: it never reached the API. */
    private boolean withdrawn;
    /** The API could not take the request now: once its call is over, it goes back to the head of the queue. */
    private boolean requeue;
    /** Queued again: when its attempt goes out again, its INTENT is written again with the time it really left. */
    private boolean announceAgain;
    /** The seconds reserved under the spend caps, null without caps (or once an outcome record took them over). */
    private SpendBudget.Reservation reservation;

    Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, OffsetTracker.Ticket ticket,
               PriorAttempts.Found earlier) {
        this(record, partition, request, ownership, ticket, earlier, 0);
    }

    /** A submission whose create comes after attempt {@code after} (a RETRY's; 0: the record's own). */
    Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, OffsetTracker.Ticket ticket,
               PriorAttempts.Found earlier, int after) {
        this.record = record;
        this.partition = partition;
        this.request = request;
        this.ownership = ownership;
        this.ticket = ticket;
        this.unconfirmed = new ArrayList<>(earlier.attempts());
        this.earlierLast = Math.max(after, earlier.lastAttempt());
        this.trackingPartition = earlier.trackingPartition();
        this.after = after;
        this.history = earlier.lifecycle() != null ? earlier.lifecycle() : new RequestLifecycle(false);
        if (earlier.lifecycle() == null) {
            earlier.attempts().forEach(history::mayExist);
        }
    }

    /** What the tracking topic says of the request, as far as this task read it (task thread only). */
    RequestLifecycle history() {
        return history;
    }

    int after() {
        return after;
    }

    /** No create of this submission may start after {@code time} (epoch ms). */
    synchronized void createBy(long time) {
        createBy = time;
    }

    /** Whether it is too late to start a create of this submission at {@code now}. */
    synchronized boolean tooLate(long now) {
        return now > createBy;
    }

    /**
     * What the tracking topic says now of the attempts after {@link #after} (see {@code RequestLifecycle}): {@code open} may
     * exist without an answer (they are named as possible charges), numbering goes on after {@code lastAttempt}; the current
     * attempt, if any, is over (the next create is a new attempt).
     */
    synchronized void reconsider(List<Attempt> open, int lastAttempt) {
        unconfirmed.clear();
        unconfirmed.addAll(open);
        earlierLast = Math.max(earlierLast, lastAttempt);
        if (current != null) {
            earlierLast = Math.max(earlierLast, current.number());
            current = null;
        }
        withdrawn = false;
    }

    /** The current attempt failed ambiguously and waits for its callback; returns how many such waits it had. */
    synchronized int waitedForCallback() {
        return ++ambiguousWaits;
    }

    synchronized int ambiguousWaits() {
        return ambiguousWaits;
    }

    /** Where the current attempt's INTENT landed: its offset on the tracking partition, -1 before any. */
    synchronized long intentOffset() {
        return intentOffset;
    }

    SinkRecord record() {
        return record;
    }

    TopicPartition partition() {
        return partition;
    }

    SinkRequest request() {
        return request;
    }

    int ownership() {
        return ownership;
    }

    OffsetTracker.Ticket ticket() {
        return ticket;
    }

    /** Where the request's next tracking record goes: with its earlier ones; null for its first (the key's hash decides). */
    synchronized Integer trackingPartition() {
        return trackingPartition;
    }

    /** The current attempt's INTENT landed at {@code offset} of {@code partition}; the request's later records follow it there. */
    synchronized void intentAt(int partition, long offset) {
        if (trackingPartition == null) {
            trackingPartition = partition;
        }
        intentOffset = offset;
    }

    synchronized void reserved(SpendBudget.Reservation r) {
        reservation = r;
    }

    /** The reservation, handed over once (to be released, or replaced by what an outcome record counts). */
    synchronized SpendBudget.Reservation takeReservation() {
        SpendBudget.Reservation r = reservation;
        reservation = null;
        return r;
    }

    /**
     * Starts a new attempt: the previous one (if any) may have created a task, so it joins the
     * unconfirmed ones. Numbers continue after the attempts earlier owners made.
     */
    synchronized Attempt nextAttempt(long now) {
        int last = current != null ? current.number() : Math.max(earlierLast, unconfirmed.stream().mapToInt(Attempt::number).max().orElse(0));
        if (current != null) {
            unconfirmed.add(current);
        }
        current = new Attempt(last + 1, now);
        sent = true;
        withdrawn = false;
        return current;
    }

    /** The attempt whose create is (or was last) on its way; null if none was started. */
    synchronized Attempt current() {
        return current;
    }

    synchronized List<Attempt> unconfirmed() {
        return List.copyOf(unconfirmed);
    }

    /** The unconfirmed attempts plus the current one: after a failure that may have created a task. */
    synchronized List<Attempt> unconfirmedWithCurrent() {
        List<Attempt> all = new ArrayList<>(unconfirmed);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    /** An earlier owner made one more attempt, found after the scan: it may have created a task too. */
    synchronized void mayExist(Attempt attempt) {
        if (unconfirmed.stream().noneMatch(a -> a.number() == attempt.number())) {
            unconfirmed.add(attempt);
        }
    }

    /** The earlier owner's attempts {@code numbers} provably created nothing (their WITHDRAWN records came): not possible charges. */
    synchronized void confirmedNothing(java.util.Collection<Integer> numbers) {
        unconfirmed.removeIf(a -> numbers.contains(a.number()));
    }

    /** Whether an INTENT was written, so the API may have (had) this request. */
    synchronized boolean sent() {
        return sent;
    }

    /** The current attempt goes on the wire now (its INTENT is durable). */
    synchronized void sending() {
        onWire = true;
        retryPending = false;
    }

    /** The current attempt failed and will be tried again; {@code mayExist}: the failure may have created a task. */
    synchronized void retrying(boolean mayExist) {
        onWire = false;
        retryPending = true;
        lastFailureMayExist = mayExist;
    }

    /** The call ended (answered, or given up). */
    synchronized void ended() {
        onWire = false;
        retryPending = false;
    }

    /** The API provably did not take the request and cannot take work now: queue it again (the same attempt, its INTENT stands). */
    synchronized void requeue() {
        requeue = true;
        announceAgain = true;
    }

    /**
     * The current attempt goes out again after waiting in the queue: it gets a fresh time (its INTENT is written again), so a
     * next owner waits for its callback from when it really left, not from its first INTENT; null when no such wait happened.
     */
    synchronized Attempt restampIfQueued(long now) {
        if (!announceAgain || current == null) {
            return null;
        }
        announceAgain = false;
        current = new Attempt(current.number(), now);
        return current;
    }

    /** Whether the request is to be queued again; asked once. */
    synchronized boolean takeRequeue() {
        boolean r = requeue;
        requeue = false;
        return r;
    }

    synchronized boolean onWire() {
        return onWire;
    }

    /**
     * Whether the current attempt's INTENT is out but the attempt provably never reached the API and
     * is not on the wire now (it waits for a retry after a failure that created nothing): a WITHDRAWN
     * record may say so at once.
     */
    synchronized boolean withdrawable() {
        return current != null && !withdrawn && !onWire && retryPending && !lastFailureMayExist;
    }

    /** Marks the current attempt withdrawn; false if it already was (one WITHDRAWN record per attempt). */
    synchronized boolean markWithdrawn() {
        if (current == null || withdrawn) {
            return false;
        }
        withdrawn = true;
        return true;
    }

    @Override
    public String toString() {
        return "request '" + request.requestId() + "' (" + request.identity() + ")";
    }
}
