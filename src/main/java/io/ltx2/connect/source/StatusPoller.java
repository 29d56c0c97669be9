package io.ltx2.connect.source;

import io.ltx2.connect.api.TaskStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Makes the status calls: a queue of followed tasks ordered by their next call, at most
 * {@code ltx.poll.max.concurrent} calls on the wire, and the answers handed from the HTTP client's
 * thread to the task thread through a queue. Everything else runs on the task thread.
 */
final class StatusPoller {

    /** One status call's result: a status or the error it ended with. */
    record Answer(FollowedTask task, TaskStatus status, Throwable error) {
    }

    /** Longest wait for tracking records when no call is due and none on the wire; shorter while calls are out. */
    static final long IDLE_WAIT_MS = 500;
    static final long BUSY_WAIT_MS = 50;

    private final Function<String, CompletableFuture<TaskStatus>> statusCall;
    private final int maxConcurrent;
    private final TreeSet<FollowedTask> due = new TreeSet<>(
            Comparator.comparingLong((FollowedTask t) -> t.nextPollAt).thenComparingLong(t -> t.seq));
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private int inFlight;

    StatusPoller(Function<String, CompletableFuture<TaskStatus>> statusCall, int maxConcurrent) {
        this.statusCall = Objects.requireNonNull(statusCall, "statusCall");
        this.maxConcurrent = maxConcurrent;
    }

    /** (Re)schedules the task's next call at {@code at}. */
    void schedule(FollowedTask task, long at) {
        due.remove(task);
        task.nextPollAt = at;
        due.add(task);
    }

    /** Drops the task from the queue; an answer already on the wire is still handed over (and ignored when the task is done). */
    void cancel(FollowedTask task) {
        due.remove(task);
    }

    /** Sends the calls that are due, as far as the concurrency allows; returns how many went out. */
    int dispatchDue(long now) {
        int sent = 0;
        while (inFlight < maxConcurrent && !due.isEmpty() && due.first().nextPollAt <= now) {
            FollowedTask task = due.pollFirst();
            task.inFlight = true;
            task.lastCallAt = now;
            task.polls++;
            inFlight++;
            sent++;
            statusCall.apply(task.taskId).whenComplete((status, error) -> answers.add(new Answer(task, status, error)));
        }
        return sent;
    }

    /** One status call outside the queue (the key check). */
    CompletableFuture<TaskStatus> call(String taskId) {
        return statusCall.apply(taskId);
    }

    /** The answers that arrived since the last call. */
    List<Answer> drain() {
        List<Answer> out = new ArrayList<>();
        Answer a;
        while ((a = answers.poll()) != null) {
            inFlight--;
            a.task().inFlight = false;
            out.add(a);
        }
        return out;
    }

    /** How long the task thread may wait for tracking records before an answer needs handling or a call is due. */
    long waitMillis(long now) {
        long wait = !answers.isEmpty() ? 0 : inFlight > 0 ? BUSY_WAIT_MS : IDLE_WAIT_MS;
        if (!due.isEmpty() && inFlight < maxConcurrent) {
            wait = Math.min(wait, Math.max(0, due.first().nextPollAt - now));
        }
        return wait;
    }

    int inFlight() {
        return inFlight;
    }

    int queued() {
        return due.size();
    }
}
