package io.ltx2.connect.source;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.config.LtxSourceConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Makes the status calls: a queue of followed tasks ordered by their next call, at most
 * {@code ltx.poll.max.concurrent} calls on the wire, and the answers handed from the HTTP client's
 * thread to the task thread through a queue. Everything else runs on the task thread.
 *
 * <p>Work comes in batches, so that the task thread wakes up a few times per batch of calls rather
 * than once or twice per call: a dispatch also sends the calls due within the next {@code slack}
 * (early by at most that, never late); calls go out only while the client's rate limit has a
 * permit for them now (they wait here, in due order, rather than in the client's scheduler), and
 * while permits are short the thread sleeps at least {@code slack}, so that permits add up to a
 * burst; and the answers wake the thread (through the {@link #wakeWith waker}: the tracking
 * consumer's wake-up) when the last call on the wire has answered, or at once for a call that
 * confirms a callback, instead of the thread polling for them. Answers that do not wake it wait
 * at most {@code slack}.
 */
final class StatusPoller {

    /** One status call's result: a status or the error it ended with. */
    record Answer(FollowedTask task, TaskStatus status, Throwable error) {
    }

    /** When the next call may go out, for the client's rate limit and any Retry-After. */
    @FunctionalInterface
    interface CallBudget {
        CallBudget UNLIMITED = () -> 0;

        /** Milliseconds until one more call could be sent without waiting in the client; 0 = now. */
        long waitMillis();
    }

    /** Longest wait for tracking records when no call is due and none on the wire. */
    static final long IDLE_WAIT_MS = 500;
    /** Without a slack (no batching), the longest wait while calls are on the wire. */
    static final long BUSY_WAIT_MS = 50;
    /** Longest wait for answers that did not wake the thread (a slow call holds the others' answers back at most this long). */
    static final long MAX_LINGER_MS = 100;
    /** Longest wait for permits to add up: half the rate limiter's one-second bucket, so that none is lost while waiting. */
    static final long MAX_PERMIT_WAIT_MS = 500;
    static final long MIN_SLACK_MS = 5;
    static final long MAX_SLACK_MS = 2_000;

    private final Function<String, CompletableFuture<TaskStatus>> statusCall;
    private final int maxConcurrent;
    private final CallBudget budget;
    private final long slackMs;
    private final TreeSet<FollowedTask> due = new TreeSet<>(
            Comparator.comparingLong((FollowedTask t) -> t.nextPollAt).thenComparingLong(t -> t.seq));
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    /** Calls on the wire whose answer has not arrived: read by the HTTP client's thread. */
    private final AtomicInteger unanswered = new AtomicInteger();
    /** The task thread is about to wait, or waits: an answer that should be handled now wakes it. */
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile Runnable waker = () -> { };
    private int inFlight;
    /** The last dispatch left due calls behind for want of a rate permit. */
    private boolean permitsShort;

    /** Without a rate limit to respect and without batching (tests). */
    StatusPoller(Function<String, CompletableFuture<TaskStatus>> statusCall, int maxConcurrent) {
        this(statusCall, maxConcurrent, CallBudget.UNLIMITED, 0);
    }

    StatusPoller(Function<String, CompletableFuture<TaskStatus>> statusCall, int maxConcurrent, CallBudget budget, long slackMs) {
        this.statusCall = Objects.requireNonNull(statusCall, "statusCall");
        this.maxConcurrent = maxConcurrent;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.slackMs = Math.max(0, slackMs);
    }

    /**
     * The poller of a source task: the client's calls and rate limit, and a slack of a quarter of the
     * interval the schedule keeps between the calls of a task ({@code ltx.poll.target.delay.ms}, or
     * {@code ltx.poll.fixed.interval.ms}), between {@value #MIN_SLACK_MS} ms and {@value #MAX_SLACK_MS} ms.
     */
    static StatusPoller of(LtxApiClient client, LtxSourceConfig config) {
        long interval = (config.pollSchedule() == LtxSourceConfig.Schedule.FIXED ? config.fixedInterval() : config.pollTargetDelay()).toMillis();
        return new StatusPoller(client::getStatus, config.maxConcurrentPolls(), client::sendDelayMillis,
                Math.max(MIN_SLACK_MS, Math.min(MAX_SLACK_MS, interval / 4)));
    }

    /** What wakes the task thread from its wait for tracking records (the tracking consumer's wake-up). */
    void wakeWith(Runnable waker) {
        this.waker = Objects.requireNonNull(waker, "waker");
    }

    /** (Re)schedules the task's next call at {@code at}. */
    void schedule(FollowedTask task, long at) {
        due.remove(task);
        task.nextPollAt = at;
        due.add(task);
    }

    /** As {@link #schedule}, for a call whose answer someone waits for (a callback's confirmation): it wakes the task thread. */
    void scheduleUrgent(FollowedTask task, long at) {
        task.urgent = true;
        schedule(task, at);
    }

    /** Drops the task from the queue; an answer already on the wire is still handed over (and ignored when the task is done). */
    void cancel(FollowedTask task) {
        due.remove(task);
    }

    /** Sends the calls that are due (or due within the slack), as far as the concurrency and the rate limit allow; returns how many went out. */
    int dispatchDue(long now) {
        int sent = 0;
        permitsShort = false;
        while (inFlight < maxConcurrent && !due.isEmpty() && isDue(due.first(), now)) {
            if (budget.waitMillis() > 0) {
                permitsShort = true;
                break;
            }
            FollowedTask task = due.pollFirst();
            boolean urgent = task.urgent;
            task.urgent = false;
            task.inFlight = true;
            task.lastCallAt = now;
            task.polls++;
            inFlight++;
            sent++;
            unanswered.incrementAndGet();
            statusCall.apply(task.taskId).whenComplete((status, error) -> answered(new Answer(task, status, error), urgent));
        }
        return sent;
    }

    /**
     * Due, or due within the slack; a call at the task's deadline never goes early: its answer is
     * final only if it is made at or after the deadline, and an early one would be followed by
     * another, again and again, until the deadline.
     */
    private boolean isDue(FollowedTask task, long now) {
        return task.nextPollAt <= now + (task.nextPollAt >= task.deadline ? 0 : slackMs);
    }

    /** On the HTTP client's thread: queues the answer, and wakes the task thread when nothing else is to be waited for. */
    private void answered(Answer a, boolean urgent) {
        answers.add(a);
        boolean last = unanswered.decrementAndGet() == 0;
        if ((last || urgent) && armed.compareAndSet(true, false)) {
            waker.run();
        }
    }

    /** One status call outside the queue (the key check). */
    CompletableFuture<TaskStatus> call(String taskId) {
        return statusCall.apply(taskId);
    }

    /** The answers that arrived since the last call. */
    List<Answer> drain() {
        armed.set(false);
        List<Answer> out = new ArrayList<>();
        Answer a;
        while ((a = answers.poll()) != null) {
            inFlight--;
            a.task().inFlight = false;
            out.add(a);
        }
        return out;
    }

    /**
     * How long the task thread may wait for tracking records before an answer needs handling or a
     * call is due; from now on, answers that should be handled at once wake it.
     */
    long waitMillis(long now) {
        armed.set(true);
        if (!answers.isEmpty()) {
            armed.set(false);
            return 0;
        }
        long wait = inFlight > 0 ? lingerMs() : IDLE_WAIT_MS;
        if (!due.isEmpty() && inFlight < maxConcurrent) {
            long untilDue = permitsShort ? Math.max(Math.min(slackMs, MAX_PERMIT_WAIT_MS), budget.waitMillis()) : due.first().nextPollAt - now;
            wait = Math.min(wait, Math.max(0, untilDue));
        }
        return wait;
    }

    /** Longest wait while calls are on the wire: answers that did not wake the thread are handled within it. */
    private long lingerMs() {
        return slackMs > 0 ? Math.min(slackMs, MAX_LINGER_MS) : BUSY_WAIT_MS;
    }

    int inFlight() {
        return inFlight;
    }

    int queued() {
        return due.size();
    }
}
