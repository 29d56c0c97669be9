package io.ltx2.connect.source;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Times;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the source knows of one outstanding request: every tracking record of it that it read
 * (their offsets resolve together, when the request does), its create attempts, and the API
 * tasks it follows for it. Kept by {@link RequestRegistry}, on the task thread.
 */
final class RequestState {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final RequestIdentity identity;
    /** The tracking partition of the request's records: its event carries that partition's progress. */
    final int partition;
    final long seq = SEQUENCE.incrementAndGet();
    final List<TrackingOffset> held = new ArrayList<>(3);
    final List<FollowedTask> tasks = new ArrayList<>(1);
    /** INTENTs read, by attempt number. */
    private final TreeMap<Integer, Attempt> intents = new TreeMap<>();
    /** The union of the earlier attempts that SUBMITTED and REJECTED records named. */
    private final TreeMap<Integer, Attempt> namedEarlier = new TreeMap<>();
    /** Task ids of callbacks for other tasks than the followed ones: orphaned duplicates, counted once each. */
    private final Set<String> orphans = new LinkedHashSet<>(0);
    private TrackingRecord latestIntent;
    private long lastIntentSeenAt;
    /** When an INTENT-only request is let go without an event; Long.MAX_VALUE once it has a task. */
    long expiresAt = Long.MAX_VALUE;
    /** Its last task failed with a code worth another attempt, which the sink was asked for ({@link Retries}); else null. */
    Retries.Retry retry;
    /** Failed tasks retried (fail codes of ltx.task.retry.fail.codes): the retry budget used. */
    final Set<String> retriedTasks = new HashSet<>(0);
    /** Attempts a RETRY record asked for a new attempt after. */
    final Set<Integer> askedAfter = new HashSet<>(0);

    RequestState(RequestIdentity identity, int partition) {
        this.identity = identity;
        this.partition = partition;
    }

    void hold(TrackingOffset at) {
        held.add(at);
    }

    FollowedTask task(String taskId) {
        for (FollowedTask t : tasks) {
            if (t.taskId.equals(taskId)) {
                return t;
            }
        }
        return null;
    }

    /** Remembers an INTENT; {@code now} counts too, so an INTENT read long after it was written still waits a full time-out. */
    void intent(TrackingRecord r, long now, long timeoutMs) {
        int n = r.attempt() != null ? r.attempt() : intents.isEmpty() ? 1 : intents.lastKey() + 1;
        intents.put(n, new Attempt(n, r.time()));
        if (latestIntent == null || n >= attemptOf(latestIntent)) {
            latestIntent = r;
        }
        lastIntentSeenAt = now;
        if (tasks.isEmpty()) {
            expiresAt = Times.plus(Math.max(latestIntent.time(), lastIntentSeenAt), timeoutMs);
        }
    }

    /** An attempt whose INTENT was read never reached the API: it is not an earlier, possibly billed, attempt. */
    void withdrawn(TrackingRecord r) {
        if (r.attempt() != null) {
            intents.remove(r.attempt());
        }
    }

    /** Notes the earlier attempts a SUBMITTED or REJECTED record names (a SUBMITTED record's own attempt is its task's). */
    void attempts(TrackingRecord r) {
        r.earlierAttempts().forEach(a -> namedEarlier.merge(a.number(), a, (x, y) -> x));
    }

    TrackingRecord latestIntent() {
        return latestIntent;
    }

    /** When attempt {@code n}'s INTENT was written; null when it was not read. */
    Long intentTime(Integer n) {
        Attempt a = n == null ? null : intents.get(n);
        return a == null ? null : a.time();
    }

    /** The newest attempt that may have made a task or was answered (withdrawn ones excluded); 0 when none. */
    int newestAttempt() {
        TreeMap<Integer, Attempt> all = possibleAttempts(null);
        return all.isEmpty() ? 0 : all.lastKey();
    }

    int latestAttempt() {
        return latestIntent == null ? 0 : attemptOf(latestIntent);
    }

    private int attemptOf(TrackingRecord intent) {
        return intent.attempt() != null ? intent.attempt() : intents.isEmpty() ? 0 : intents.lastKey();
    }

    /**
     * Every create attempt of the request besides the one the event of {@code reported} reports (null: none) that may
     * have made, and billed, a task: the INTENTs read and not withdrawn, above or below it; the attempts that SUBMITTED
     * and REJECTED records named; and those of the other tasks followed.
     */
    List<Attempt> otherAttempts(FollowedTask reported) {
        TreeMap<Integer, Attempt> other = possibleAttempts(reported);
        if (reported != null && reported.attempt() != null) {
            other.remove(reported.attempt());
        }
        return List.copyOf(other.values());
    }

    /**
     * The attempts a rejection's event names: the rejection answers the latest INTENT, so that attempt counts only when
     * a record named it (an ambiguous create given up); every other one as in {@link #otherAttempts}.
     */
    List<Attempt> attemptsBesideRejected() {
        TreeMap<Integer, Attempt> other = possibleAttempts(null);
        int rejected = latestAttempt();
        if (!namedEarlier.containsKey(rejected)) {
            other.remove(rejected);
        }
        return List.copyOf(other.values());
    }

    /** The attempts that may have made a task, but {@code reported}'s own; the times the records named come first. */
    private TreeMap<Integer, Attempt> possibleAttempts(FollowedTask reported) {
        TreeMap<Integer, Attempt> attempts = new TreeMap<>(namedEarlier);
        intents.forEach(attempts::putIfAbsent);
        for (FollowedTask t : tasks) {
            if (t != reported && t.attempt() != null) {
                attempts.putIfAbsent(t.attempt(), new Attempt(t.attempt(), t.submitTime()));
            }
        }
        return attempts;
    }

    /** The ids of the request's tasks besides {@code reported}'s: the other tasks followed, then the orphans' callbacks. */
    List<String> otherTaskIds(FollowedTask reported) {
        Set<String> ids = new LinkedHashSet<>();
        tasks.forEach(t -> ids.add(t.taskId));
        ids.addAll(orphans);
        if (reported != null) {
            ids.remove(reported.taskId);
        }
        return List.copyOf(ids);
    }

    /** True the first time a callback names this task id that the request does not follow. */
    boolean orphan(String taskId) {
        return orphans.add(taskId);
    }

    /** Every task id seen for the request: remembered once it is resolved, so a late record of another one is told apart. */
    Set<String> taskIds() {
        Set<String> ids = new HashSet<>(orphans);
        tasks.forEach(t -> ids.add(t.taskId));
        return ids;
    }
}
