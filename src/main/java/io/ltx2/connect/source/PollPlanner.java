package io.ltx2.connect.source;

import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.util.Times;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The one place that decides when a followed task is polled next. The curve comes from the
 * {@link PollSchedule} (fixed, adaptive, or the callback safety net); this class adds what holds
 * for every curve: never before now, never after the task's deadline (submit time plus
 * {@code ltx.task.timeout.ms}), a call at once to confirm a callback, and a last call at the
 * deadline whose answer is final.
 */
final class PollPlanner {
    private final PollSchedule schedule;
    private final long taskTimeoutMs;

    PollPlanner(PollSchedule schedule, Duration taskTimeout) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.taskTimeoutMs = taskTimeout.toMillis();
    }

    /** The deadline of a task submitted (or, adopted, intended) at {@code submitTime}. */
    long deadline(long submitTime) {
        return Times.plus(submitTime, taskTimeoutMs);
    }

    /** The first call of a newly followed task. */
    long firstPoll(FollowedTask task, long now) {
        return Math.max(now, Math.min(schedule.firstPoll(task.input(), task.submitTime()), task.deadline));
    }

    /**
     * A callback asks for a confirming call now. When a call is already on the wire, its answer
     * is followed by another call at once (empty here: nothing to schedule yet).
     */
    OptionalLong confirmNow(FollowedTask task, long now) {
        if (task.inFlight) {
            task.confirmPending = true;
            return OptionalLong.empty();
        }
        return OptionalLong.of(now);
    }

    /** The call after a non-terminal answer or a failed call. */
    long nextPoll(FollowedTask task, long now) {
        if (task.confirmPending) {
            task.confirmPending = false;
            return now;
        }
        return Math.max(now, Math.min(schedule.nextPoll(task.input(), task.submitTime(), now), task.deadline));
    }

    /** True when the task's last call was made at or after its deadline: its answer decides (TIMEOUT if not terminal). */
    boolean wasFinalPoll(FollowedTask task) {
        return task.lastCallAt >= task.deadline;
    }

    /** Learns from a finished task's generation time (adaptive schedules). */
    void observe(FollowedTask task, TaskStatus status) {
        Long generation = status.createTime() != null && status.completeTime() != null
                ? Long.valueOf(status.completeTime() - status.createTime()) : status.costTime();
        if (generation != null) {
            schedule.observe(task.input(), generation);
        }
    }

    @Override
    public String toString() {
        return schedule.toString();
    }
}
