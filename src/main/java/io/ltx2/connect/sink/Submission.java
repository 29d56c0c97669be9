package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestLifecycle;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One request on its way to the API, from the moment {@code put} accepts it until its outcome is
 * durable on the tracking topic: what it is, its attempts, and where its create is ({@link CreateState},
 * changed by {@link CreateFlow} only). It belongs to the ownership period of its partition it was
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
    /** The attempt in progress, null before its INTENT (and after {@link #reconsider}). */
    private Attempt current;
    /** Attempts this submission started (INTENTs it wrote). */
    private int ownAttempts;
    private CreateState state = CreateState.QUEUED;
    /** The seconds reserved under the spend caps, null without caps (or once an outcome record took them over). */
    private SpendBudget.Reservation reservation;

    /**
     * A submission whose create comes after attempt {@code after} (a RETRY's; 0: the record's own), of a request whose
     * tracking records read so far are {@code history}: its open attempts may exist (they are named as possible charges),
     * numbering goes on after the last one, and its later records go to its tracking partition.
     */
    Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, OffsetTracker.Ticket ticket,
               RequestLifecycle history, int after) {
        RequestLifecycle.Decision known = history.sinkDecision(after);
        this.record = record;
        this.partition = partition;
        this.request = request;
        this.ownership = ownership;
        this.ticket = ticket;
        this.unconfirmed = new ArrayList<>(known.open());
        this.earlierLast = known.lastAttempt();
        this.trackingPartition = known.partition();
        this.after = after;
        this.history = history;
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

    /** Holds {@code r}; returns the reservation held before (an earlier admission's, to be given back), or null. */
    synchronized SpendBudget.Reservation reserved(SpendBudget.Reservation r) {
        SpendBudget.Reservation before = reservation;
        reservation = r;
        return before;
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
        ownAttempts++;
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
        return ownAttempts > 0;
    }

    /** The current attempt goes out again after waiting in the queue, with a fresh time: its INTENT is written again. */
    synchronized Attempt restamp(long now) {
        current = new Attempt(current.number(), now);
        return current;
    }

    synchronized CreateState state() {
        return state;
    }

    /**
     * Moves the create to {@code to}; {@link CreateFlow} only, under its lock. Returns the state it left.
     *
     * @throws IllegalStateException when {@link CreateState} has no such arrow (a defect)
     */
    synchronized CreateState moveTo(CreateState to) {
        if (!state.mayGo(to)) {
            throw new IllegalStateException(this + ": no create goes from " + state + " to " + to);
        }
        CreateState from = state;
        state = to;
        return from;
    }

    @Override
    public String toString() {
        return "request '" + request.requestId() + "' (" + request.identity() + ")";
    }
}
