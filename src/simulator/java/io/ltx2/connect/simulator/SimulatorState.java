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
        CALLBACKS_ABANDONED, CALLBACKS_LOST, CALLBACKS_DUPLICATED, BALANCE_CALLS, INSUFFICIENT_BALANCE, FORBIDDEN_CONTENT,
        OUTAGE_ERRORS
    }

    /**
     * The outcome of a create that passed validation: a task, a 429 with its Retry-After, or a 402
     * (no task, {@code insufficientBalance}) with the seconds of video that were left.
     */
    record Admission(SimTask task, int retryAfterSeconds, boolean insufficientBalance, long balanceLeft) {
        static Admission created(SimTask task) {
            return new Admission(task, 0, false, 0);
        }
    }

    /**
     * Builds the task once the limits admitted it; gets the current reset epoch and how many tasks
     * were created with the same payload before (for the {@code #fail:<CODE>:<N>} marker).
     */
    interface TaskFactory {
        SimTask create(long epoch, int earlierWithPayload);
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
    /** Seconds of video the account can still buy; null for no limit. */
    private Long balanceSeconds;
    private final Long initialBalanceSeconds;

    SimulatorState(long windowMs, Long balanceSeconds) {
        this.windowMs = windowMs;
        this.bucketMs = Math.max(1, windowMs / WINDOW_BUCKETS);
        this.balanceSeconds = balanceSeconds;
        this.initialBalanceSeconds = balanceSeconds;
        resetCounts();
    }

    synchronized void count(Count c) {
        counts.merge(c, 1L, Long::sum);
    }

    /** Counts an API call (as {@code calls}) and updates the peak number of calls in any window. */
    synchronized void recordCall(Count calls, long now) {
        count(calls);
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
     * Creates a task and takes its {@code seconds} of video from the balance, unless the balance has
     * fewer left (a 402) or {@code apiKey} already has {@code maxConcurrent} tasks pending or
     * processing (a 429: the Retry-After is the time until the first of them completes).
     */
    synchronized Admission admitTask(String apiKey, long now, int maxConcurrent, String canonicalPayload, int seconds,
                                     TaskFactory factory) {
        if (balanceSeconds != null && seconds > balanceSeconds) {
            count(Count.INSUFFICIENT_BALANCE);
            return new Admission(null, 0, true, balanceSeconds);
        }
        PriorityQueue<Long> mine = activeByKey.computeIfAbsent(apiKey, k -> new PriorityQueue<>());
        drain(mine, now);
        if (mine.size() >= maxConcurrent) {
            count(Count.RATE_LIMITED);
            return new Admission(null, secondsUntil(mine.peek(), now), false, 0);
        }
        if (balanceSeconds != null) {
            balanceSeconds -= seconds;
        }
        SimTask task = factory.create(epoch, payloads.getOrDefault(canonicalPayload, 0));
        tasks.put(task.id, task);
        if (payloads.merge(canonicalPayload, 1, Integer::sum) > 1) {
            count(Count.DUPLICATES);
        }
        mine.add(task.completeTime);
        drain(active, now);
        active.add(task.completeTime);
        peakConcurrent = Math.max(peakConcurrent, active.size());
        return Admission.created(task);
    }

    /** Seconds of video left to buy, or null for no limit. */
    synchronized Long balanceSeconds() {
        return balanceSeconds;
    }

    /** Sets the balance in seconds of video; null for no limit. */
    synchronized void setBalanceSeconds(Long seconds) {
        if (seconds != null && seconds < 0) {
            throw new IllegalArgumentException("balance must be >= 0 seconds, was " + seconds);
        }
        balanceSeconds = seconds;
    }

    /** Adds to a limited balance (an unlimited one stays so); returns the new balance. */
    synchronized Long topUpSeconds(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("a top-up must be >= 0 seconds, was " + seconds);
        }
        if (balanceSeconds != null) {
            balanceSeconds = Math.addExact(balanceSeconds, seconds);
        }
        return balanceSeconds;
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
                get(Count.CALLBACKS_LOST), get(Count.CALLBACKS_DUPLICATED), perTask, get(Count.BALANCE_CALLS),
                get(Count.INSUFFICIENT_BALANCE), get(Count.FORBIDDEN_CONTENT), balanceSeconds, get(Count.OUTAGE_ERRORS));
    }

    /**
     * Forgets every task, window and counter and restores the build-time balance; callbacks still
     * scheduled for old tasks are dropped.
     */
    synchronized void reset() {
        epoch++;
        balanceSeconds = initialBalanceSeconds;
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
