package io.ltx2.connect.source;

import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.config.RetryConfig;
import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Requests whose task failed with a fail code worth another attempt ({@link RetryConfig}): instead
 * of their failed event, a RETRY tracking record asks the sink connector for a new attempt (the
 * sink creates every task: its caps, pauses and crash-window bookkeeping apply), and the request
 * stays outstanding, its offsets held, until a newer attempt's SUBMITTED or REJECTED record comes.
 * No answer within {@code ltx.task.retry.resend.ms}: asked again; within {@code ltx.task.timeout.ms}
 * (codes of {@code ltx.task.retry.fail.codes} only): the failed event after all. The budget counts
 * the failed tasks (read back from the RETRY records after a restart). Task thread only.
 */
final class Retries {
    private static final Logger log = LoggerFactory.getLogger(Retries.class);

    /** Where RETRY records go: the tracking topic, through a producer of the source task's own, on the request's partition. */
    @FunctionalInterface
    interface Writer {
        CompletableFuture<?> write(TrackingRecord record, int partition);
    }

    /** What a retrying request waits for: the failed task and its outcome, and when to ask again or give up. */
    static final class Retry {
        final RequestState state;
        final FollowedTask task;
        final Outcome outcome;
        final boolean unavailable;
        final long giveUpAt;
        long nextAt;

        Retry(RequestState state, FollowedTask task, Outcome outcome, boolean unavailable, long giveUpAt) {
            this.state = state;
            this.task = task;
            this.outcome = outcome;
            this.unavailable = unavailable;
            this.giveUpAt = giveUpAt;
        }
    }

    static final Retries NONE = new Retries(RetryConfig.Settings.NONE, Duration.ZERO, (r, p) -> CompletableFuture.completedFuture(null), () -> { });

    private final RetryConfig.Settings settings;
    private final long giveUpMs;
    private final Writer writer;
    private final Runnable asked;
    /** The retries waiting, by when they are due; a request has at most one (its {@code retry}), so its sequence breaks ties. */
    private final TreeSet<Retry> due = new TreeSet<>(Comparator.comparingLong((Retry r) -> r.nextAt).thenComparingLong(r -> r.state.seq));

    /** @param asked told of every RETRY record written (a metric) */
    Retries(RetryConfig.Settings settings, Duration taskTimeout, Writer writer, Runnable asked) {
        this.settings = settings;
        this.giveUpMs = taskTimeout.toMillis();
        this.writer = writer;
        this.asked = asked;
    }

    /**
     * Whether the failed {@code outcome} of {@code task} is taken over here (the request is retried,
     * or another of its tasks decides) rather than given as its event.
     */
    boolean takeOver(RequestState s, FollowedTask task, Outcome outcome, long now) {
        String code = outcome.status() != null && outcome.status().state() == TaskState.FAILED ? outcome.status().failCode() : null;
        boolean unavailable = code != null && settings.unavailableFailCodes().contains(code);
        if (code == null || !unavailable && !settings.failCodes().contains(code)) {
            return false;
        }
        if (olderThanTheLiveOnes(s, task)) {
            return true; // an older attempt (its records read again after a restart): a newer one's outcome decides
        }
        if (!retryable(s, task, unavailable)) {
            return false;
        }
        if (!unavailable) {
            s.retried(task.taskId);
        }
        unschedule(s);
        s.retry = new Retry(s, task, outcome, unavailable, unavailable ? Long.MAX_VALUE : Times.plus(now, giveUpMs));
        // Always "a new attempt after the failed one": whether the sink made it already (an INTENT read since, or not yet), and
        // what became of it, the sink reads from the request's records (RetryIntake), not from this task's view of them.
        int after = task.attempt();
        if (s.lifecycle.retryAsked(after) || s.lifecycle.newestAttempt() > after) {
            s.retry.nextAt = Times.plus(now, settings.resend().toMillis()); // asked before, or the sink is at it: give it its time
        } else {
            ask(s, after, now);
        }
        due.add(s.retry);
        return true;
    }

    /**
     * The tasks of the request's attempts up to {@code after}: a callback of one of them is never the new attempt's. Orphans'
     * callbacks are left out: their attempt is unknown (the new attempt's own task may be one, seen before its SUBMITTED).
     */
    private static List<String> tasksUpTo(RequestState s, int after) {
        return s.tasks.stream().filter(t -> t.attempt() != null && t.attempt() <= after).map(t -> t.taskId).distinct().toList();
    }

    /**
     * The note of the failed event when {@code task} failed and a newer attempt was refused already (its records read again
     * after a restart, the refusal before this task's outcome): the request ends with this event. Null otherwise.
     */
    static String refusedAfter(RequestState s, FollowedTask task, Outcome outcome) {
        boolean failed = outcome.status() == null || outcome.status().state() == TaskState.FAILED;
        TrackingRecord refusal = failed && task.attempt() != null ? s.lifecycle.refusalAfter(task.attempt()) : null;
        return refusal == null ? null : refusedNote(refusal);
    }

    /** What a failed event adds when the new attempt asked for was refused by {@code rejected}. */
    static String refusedNote(TrackingRecord rejected) {
        return "; a new attempt was asked for, and refused: " + rejected.failMsg();
    }

    /** Whether a newer attempt than {@code task}'s is followed and not over, or waits for its own retry: that one decides. */
    private static boolean olderThanTheLiveOnes(RequestState s, FollowedTask task) {
        Integer n = task.attempt();
        if (n == null) {
            return false;
        }
        boolean newerLive = s.tasks.stream().anyMatch(t -> t != task && !t.done && t.attempt() != null && t.attempt() > n);
        return newerLive || s.retry != null && s.retry.task.attempt() != null && s.retry.task.attempt() > n;
    }

    /** Whether the request can be asked for again: its attempt and identity known, and (for retried codes) budget left. */
    private boolean retryable(RequestState s, FollowedTask task, boolean unavailable) {
        TrackedRequest request = task.origin().request();
        if (task.attempt() == null || request.identity() == null) {
            return false;
        }
        return unavailable || s.mayRetry(task.taskId, settings.max());
    }

    private void ask(RequestState s, int after, long now) {
        Retry r = s.retry;
        TrackingRecord record = TrackingRecord.retry(r.task.origin().request(), r.task.taskId, after, r.outcome.status().failCode(),
                r.outcome.status().failMsg(), r.unavailable, r.task.submitTime())
                .withRetryScope(tasksUpTo(s, after), r.giveUpAt == Long.MAX_VALUE ? null : r.giveUpAt);
        writer.write(record, s.partition).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Could not write the RETRY record of request {}; it is asked again in {} ms", s.identity, settings.resend().toMillis(),
                        error);
            }
        });
        s.fold(record); // asked: read back later, the same record folds to the same lifecycle
        asked.run();
        r.nextAt = Times.plus(now, settings.resend().toMillis());
        log.info("{} failed with {}: asking the sink for attempt {} of request {}{}", r.task, r.outcome.status().failCode(), after + 1,
                s.identity, r.unavailable ? " (the API cannot do the work now: the sink waits until it can)" : "");
    }

    /** A RETRY record of the request was read (this task's own, or one written before a restart) and folded. */
    void asked(RequestState s, TrackingRecord record) {
        if (!record.isUnavailable() && record.taskId() != null) {
            s.retried(record.taskId());
        }
    }

    /** A newer attempt's INTENT: the sink is at it; its answer gets the whole resend interval. */
    void attemptStarted(RequestState s, long now) {
        if (s.retry != null) {
            due.remove(s.retry);
            s.retry.nextAt = Math.max(s.retry.nextAt, Times.plus(now, settings.resend().toMillis()));
            due.add(s.retry);
        }
    }

    /** A SUBMITTED or REJECTED record of attempt {@code attempt} (null: unknown): a newer one ends the wait. */
    void answered(RequestState s, Integer attempt) {
        if (s.retry != null && (attempt == null || attempt > s.retry.task.attempt())) {
            unschedule(s);
            s.retry = null;
        }
    }

    /** The request is resolved. */
    void forget(RequestState s) {
        unschedule(s);
    }

    /** Takes the request's retry, if it has one, off the schedule (a request that never waited has none: nothing to compare). */
    private void unschedule(RequestState s) {
        if (s.retry != null) {
            due.remove(s.retry);
        }
    }

    /** Asks again where the sink has not answered in time; returns the requests that waited too long (their retry left in place). */
    List<RequestState> due(long now) {
        List<RequestState> expired = new ArrayList<>();
        while (!due.isEmpty() && due.first().nextAt <= now) {
            Retry r = due.pollFirst();
            RequestState s = r.state;
            if (now >= r.giveUpAt) {
                expired.add(s);
                continue;
            }
            ask(s, r.task.attempt(), now);
            due.add(r);
        }
        return expired;
    }

    /** Requests waiting for a new attempt. */
    int waiting() {
        return due.size();
    }
}
