package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An API task the source follows for a request, with its polling state. A request usually has
 * one; a zombie create after a rebalance gives it two, and several requests may follow one task
 * id (the sink's duplicate guard). Touched only by the task thread, except that the status
 * answer is handed over through {@link StatusPoller}'s queue.
 */
final class FollowedTask {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final RequestIdentity identity;
    final String taskId;
    /** Tie-breaker of the due queue: two tasks due at the same millisecond are still two entries. */
    final long seq = SEQUENCE.incrementAndGet();
    /** Submit time plus the task time-out: set by the planner when following starts. */
    long deadline;
    /** The record the event is built from: the SUBMITTED record, or for an adopted task the latest INTENT (else WITHDRAWN). */
    private TrackingRecord origin;
    private Integer attempt;
    private boolean adopted;
    private long submitTime;

    long nextPollAt;
    /** When the last status call went out: the planner decides from it whether that was the final call. */
    long lastCallAt;
    int polls;
    int malformedInARow;
    boolean inFlight;
    /** A callback came while a call was on the wire: poll again as soon as it answers. */
    boolean confirmPending;
    /** The next call confirms a callback: its answer wakes the task thread at once. */
    boolean urgent;
    /** Its request's event is out (or it was let go): answers still on the wire are dropped. */
    boolean done;

    FollowedTask(RequestIdentity identity, String taskId, TrackingRecord origin, Integer attempt, boolean adopted, long submitTime) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.taskId = Objects.requireNonNull(taskId, "taskId");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.attempt = attempt;
        this.adopted = adopted;
        this.submitTime = submitTime;
        this.deadline = Long.MAX_VALUE;
    }

    /** The SUBMITTED record of a task first adopted through its callback: it is an ordinary task after all. */
    void submitted(TrackingRecord record) {
        origin = record;
        attempt = record.attempt();
        adopted = false;
        submitTime = record.time();
    }

    TrackingRecord origin() {
        return origin;
    }

    Integer attempt() {
        return attempt;
    }

    boolean adopted() {
        return adopted;
    }

    long submitTime() {
        return submitTime;
    }

    GenerationInput input() {
        return origin.input();
    }

    @Override
    public String toString() {
        return "task " + taskId + " (request " + identity + (adopted ? ", adopted" : "") + ")";
    }
}
