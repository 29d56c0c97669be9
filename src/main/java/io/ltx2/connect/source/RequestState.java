package io.ltx2.connect.source;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Times;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the source knows of one outstanding request: its {@link RequestLifecycle} (the fold of every
 * tracking record of it read, which says which attempts may have made a task), the offsets of those
 * records (they resolve together, when the request does), and the API tasks it follows for it. Kept
 * by {@link RequestRegistry}, on the task thread.
 */
final class RequestState {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final RequestIdentity identity;
    /** The tracking partition of the request's records: its event carries that partition's progress. */
    final int partition;
    final long seq = SEQUENCE.incrementAndGet();
    final List<TrackingOffset> held = new ArrayList<>(3);
    final List<FollowedTask> tasks = new ArrayList<>(1);
    /** The request's records read, folded: the source is never in dry run (a preview's rejection is not an outcome). */
    final RequestLifecycle lifecycle = new RequestLifecycle(false);
    /** Task ids of callbacks for other tasks than the followed ones: orphaned duplicates, counted once each (rare: made on use). */
    private Set<String> orphans;
    /** When an INTENT-only request is let go without an event; Long.MAX_VALUE once it has a task. */
    long expiresAt = Long.MAX_VALUE;
    /** Its last task failed with a code worth another attempt, which the sink was asked for ({@link Retries}); else null. */
    Retries.Retry retry;
    /** Failed tasks retried (fail codes of ltx.task.retry.fail.codes): the retry budget used (made on use). */
    private Set<String> retriedTasks;

    RequestState(RequestIdentity identity, int partition) {
        this.identity = identity;
        this.partition = partition;
    }

    /** The request's record {@code r}, read at {@code at}: its offset resolves with the request, and it is folded. */
    void hold(TrackingOffset at, TrackingRecord r) {
        held.add(at);
        fold(r);
    }

    /** Folds a record of the request into its lifecycle (a record read twice folds to the same lifecycle). */
    void fold(TrackingRecord r) {
        lifecycle.fold(r, partition);
    }

    FollowedTask task(String taskId) {
        for (FollowedTask t : tasks) {
            if (t.taskId.equals(taskId)) {
                return t;
            }
        }
        return null;
    }

    /** An INTENT was folded at {@code now}: an INTENT read long after it was written still waits a full time-out. */
    void intentRead(long now, long timeoutMs) {
        if (tasks.isEmpty()) {
            expiresAt = Times.plus(Math.max(lifecycle.latestIntent().time(), now), timeoutMs);
        }
    }

    /** Every attempt besides the one the event of {@code reported} reports (null: none) that may have made, and billed, a task. */
    List<Attempt> otherAttempts(FollowedTask reported) {
        return lifecycle.chargesBesides(reported == null ? null : reported.attempt());
    }

    /** The ids of the request's tasks besides {@code reported}'s: the other tasks followed, then the orphans' callbacks. */
    List<String> otherTaskIds(FollowedTask reported) {
        Set<String> ids = new LinkedHashSet<>();
        tasks.forEach(t -> ids.add(t.taskId));
        if (orphans != null) {
            ids.addAll(orphans);
        }
        if (reported != null) {
            ids.remove(reported.taskId);
        }
        return List.copyOf(ids);
    }

    /** True the first time a callback names this task id that the request does not follow. */
    boolean orphan(String taskId) {
        if (orphans == null) {
            orphans = new LinkedHashSet<>(2);
        }
        return orphans.add(taskId);
    }

    /** Failed task {@code taskId} was retried: it counts against the retry budget. */
    void retried(String taskId) {
        if (retriedTasks == null) {
            retriedTasks = new HashSet<>(4);
        }
        retriedTasks.add(taskId);
    }

    /** Whether {@code taskId} was retried already, or the budget of {@code max} retried tasks has room. */
    boolean mayRetry(String taskId, int max) {
        return retriedTasks == null ? max > 0 : retriedTasks.contains(taskId) || retriedTasks.size() < max;
    }

    /** Every task id seen for the request: remembered once it is resolved, so a late record of another one is told apart. */
    Set<String> taskIds() {
        Set<String> ids = orphans == null ? new HashSet<>() : new HashSet<>(orphans);
        tasks.forEach(t -> ids.add(t.taskId));
        return ids;
    }
}
