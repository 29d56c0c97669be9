package io.ltx2.connect.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Tasks, limit windows and counters behind one lock, so a stats snapshot is consistent and the
 * limit checks are exact. Every operation is short (no I/O under the lock), which keeps the
 * simulator well above the several thousand calls per second the benchmarks need.
 */
final class SimulatorState {
    /** Counters bumped by the request path. */
    enum Count {
        CREATE_CALLS, STATUS_CALLS, BAD_REQUESTS, AUTH_FAILURES, NOT_FOUND, RATE_LIMITED, INJECTED_ERRORS, HANGS,
        LOST_CREATE_RESPONSES, MALFORMED, DUPLICATES, CALLBACKS_SENT, CALLBACKS_DELIVERED, CALLBACKS_FAILED,
        CALLBACKS_ABANDONED, CALLBACKS_LOST, CALLBACKS_DUPLICATED
    }

    /** The outcome of a create that passed validation: a task, or a 429 with its Retry-After. */
    record Admission(SimTask task, int retryAfterSeconds) {
    }

    /** Builds the task once the limits admitted it; gets the current reset epoch. */
    interface TaskFactory {
        SimTask create(long epoch);
    }

    private static final int WINDOW_BUCKETS = 100;

    private final long windowMs;
    private final long bucketMs;
    private final Map<String, SimTask> tasks = new LinkedHashMap<>();
    private final Map<String, Integer> payloads = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> callWindows = new HashMap<>();
    private final Map<String, PriorityQueue<Long>> activeByKey = new HashMap<>();
    private final PriorityQueue<Long> active = new PriorityQueue<>();
    private final EnumMap<Count, Long> counts = new EnumMap<>(Count.class);
    private final long[] windowBuckets = new long[WINDOW_BUCKETS];
    private long lastBucket = Long.MIN_VALUE;
    private long windowSum;
    private long peakCallsInWindow;
    private long peakConcurrent;
    private long epoch;

    SimulatorState(long windowMs) {
        this.windowMs = windowMs;
        this.bucketMs = Math.max(1, windowMs / WINDOW_BUCKETS);
        resetCounts();
    }

    synchronized void count(Count c) {
        counts.merge(c, 1L, Long::sum);
    }

    /** Counts an API call and updates the peak number of calls in any window. */
    synchronized void recordCall(Endpoint endpoint, long now) {
        count(endpoint == Endpoint.CREATE ? Count.CREATE_CALLS : Count.STATUS_CALLS);
        long bucket = now / bucketMs;
        if (lastBucket == Long.MIN_VALUE) {
            lastBucket = bucket;
        }
        // Slide the ring forward, dropping buckets that left the window.
        for (long b = lastBucket + 1; b <= bucket && b <= lastBucket + WINDOW_BUCKETS; b++) {
            int slot = (int) Math.floorMod(b, (long) WINDOW_BUCKETS);
            windowSum -= windowBuckets[slot];
            windowBuckets[slot] = 0;
        }
        if (bucket > lastBucket) {
            lastBucket = bucket;
        }
        windowBuckets[(int) Math.floorMod(lastBucket, (long) WINDOW_BUCKETS)]++;
        windowSum++;
        peakCallsInWindow = Math.max(peakCallsInWindow, windowSum);
    }

    /**
     * Admits a call of {@code apiKey} into its sliding window, or says how many seconds until the
     * oldest call leaves it. Refused calls do not count, so a client that waits gets through.
     *
     * @return 0 when admitted, else the Retry-After in seconds
     */
    synchronized int admitCall(String apiKey, long now, int callsPerWindow) {
        ArrayDeque<Long> window = callWindows.computeIfAbsent(apiKey, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= now - windowMs) {
            window.pollFirst();
        }
        if (window.size() >= callsPerWindow) {
            count(Count.RATE_LIMITED);
            return secondsUntil(window.peekFirst() + windowMs, now);
        }
        window.addLast(now);
        return 0;
    }

    /**
     * Creates a task unless {@code apiKey} already has {@code maxConcurrent} tasks pending or
     * processing; then the Retry-After is the time until the first of them completes.
     */
    synchronized Admission admitTask(String apiKey, long now, int maxConcurrent, String canonicalPayload, TaskFactory factory) {
        PriorityQueue<Long> mine = activeByKey.computeIfAbsent(apiKey, k -> new PriorityQueue<>());
        drain(mine, now);
        if (mine.size() >= maxConcurrent) {
            count(Count.RATE_LIMITED);
            return new Admission(null, secondsUntil(mine.peek(), now));
        }
        SimTask task = factory.create(epoch);
        tasks.put(task.id, task);
        if (payloads.merge(canonicalPayload, 1, Integer::sum) > 1) {
            count(Count.DUPLICATES);
        }
        mine.add(task.completeTime);
        drain(active, now);
        active.add(task.completeTime);
        peakConcurrent = Math.max(peakConcurrent, active.size());
        return new Admission(task, 0);
    }

    /** The task for a status call of {@code apiKey}, counted; null when unknown to that key. */
    synchronized SimTask statusCall(String apiKey, String taskId, long now) {
        SimTask task = tasks.get(taskId);
        if (task == null || !task.apiKey.equals(apiKey)) {
            return null;
        }
        task.statusCalls++;
        if (task.firstTerminalStatusTime == null && !task.isActiveAt(now)) {
            task.firstTerminalStatusTime = now;
        }
        return task;
    }

    /** The task of a result URL, whatever its key (result URLs need none); null when unknown. */
    synchronized SimTask task(String taskId) {
        return tasks.get(taskId);
    }

    synchronized boolean isCurrent(SimTask task) {
        return task.epoch == epoch;
    }

    synchronized void callbackAttempt(SimTask task, long now) {
        count(Count.CALLBACKS_SENT);
        task.callbackAttemptTimes.add(now);
    }

    synchronized void callbackDelivered(SimTask task) {
        count(Count.CALLBACKS_DELIVERED);
        task.callbackDelivered = true;
    }

    synchronized SimulatorStats snapshot(long now) {
        drain(active, now);
        Map<String, SimulatorStats.TaskStats> perTask = new LinkedHashMap<>();
        for (SimTask t : tasks.values()) {
            perTask.put(t.id, new SimulatorStats.TaskStats(t.id, t.input, t.createTime, t.startTime, t.completeTime, t.finalState(),
                    t.failCode, t.statusCalls, t.firstTerminalStatusTime, new ArrayList<>(t.callbackAttemptTimes),
                    t.callbackDelivered));
        }
        return new SimulatorStats(get(Count.CREATE_CALLS), get(Count.STATUS_CALLS), tasks.size(), payloads.size(),
                get(Count.DUPLICATES), get(Count.BAD_REQUESTS), get(Count.AUTH_FAILURES), get(Count.NOT_FOUND),
                get(Count.RATE_LIMITED), get(Count.INJECTED_ERRORS), get(Count.HANGS), get(Count.LOST_CREATE_RESPONSES),
                get(Count.MALFORMED), active.size(), peakConcurrent, peakCallsInWindow, get(Count.CALLBACKS_SENT),
                get(Count.CALLBACKS_DELIVERED), get(Count.CALLBACKS_FAILED), get(Count.CALLBACKS_ABANDONED),
                get(Count.CALLBACKS_LOST), get(Count.CALLBACKS_DUPLICATED), perTask);
    }

    /** Forgets every task, window and counter; callbacks still scheduled for old tasks are dropped. */
    synchronized void reset() {
        epoch++;
        tasks.clear();
        payloads.clear();
        callWindows.clear();
        activeByKey.clear();
        active.clear();
        Arrays.fill(windowBuckets, 0);
        lastBucket = Long.MIN_VALUE;
        windowSum = 0;
        peakCallsInWindow = 0;
        peakConcurrent = 0;
        resetCounts();
    }

    /** Task ids, for tests and benchmarks that need them in creation order. */
    synchronized List<String> taskIds() {
        return new ArrayList<>(tasks.keySet());
    }

    private long get(Count c) {
        return counts.get(c);
    }

    private void resetCounts() {
        for (Count c : Count.values()) {
            counts.put(c, 0L);
        }
    }

    private static void drain(PriorityQueue<Long> completions, long now) {
        while (!completions.isEmpty() && completions.peek() <= now) {
            completions.poll();
        }
    }

    private static int secondsUntil(long when, long now) {
        return (int) Math.max(1, (when - now + 999) / 1000);
    }
}
