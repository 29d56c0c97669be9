package io.ltx2.connect.sink.cost;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What this task index's tracking records say it spent: the billable seconds each of its SUBMITTED
 * and REJECTED records carries ({@link BudgetHistory#billable}), by minute, over the caps' window;
 * the content of its spend checkpoints. The records get their time here ({@link #stamp}), so that a
 * checkpoint covers exactly the records stamped before its time and every later record is stamped
 * at or after it: the next start reads those from the tracking topic, and counts nothing twice.
 * Thread-safe.
 */
public final class SpendLedger {
    private final LongSupplier clock;
    private final long windowMs;
    private final SpendBuckets own = new SpendBuckets();
    private final Map<Integer, BudgetCheckpoint.Inherited> inherited = new TreeMap<>();
    /** No record is stamped before this: the time of the last checkpoint. */
    private long floor = Long.MIN_VALUE;

    /**
     * @param lookback the caps' longest window (an hour or a day): older minutes are dropped
     */
    SpendLedger(Duration lookback, LongSupplier clock) {
        this.clock = clock;
        this.windowMs = lookback.toMillis() + SpendBuckets.BUCKET_MS;
    }

    /** The time of a record that carries {@code seconds} of possible charges, which are counted. */
    synchronized long stamp(long seconds) {
        long time = Math.max(clock.getAsLong(), floor);
        own.add(time, seconds);
        return time;
    }

    /** What the task's earlier instances spent (from its checkpoint and the records after it), and the other indexes' inherited spend. */
    synchronized void load(SpendBuckets earlier, Collection<BudgetCheckpoint.Inherited> others) {
        own.addAll(earlier);
        others.forEach(i -> inherited.merge(i.task(), i, (a, b) -> a.time() >= b.time() ? a : b));
    }

    /** Stops carrying the inherited spend of these indexes (they write checkpoints of their own now). */
    synchronized void forget(Collection<Integer> tasks) {
        inherited.keySet().removeAll(tasks);
    }

    /** A checkpoint of every record stamped so far; records stamped from now on fall at or after its time. */
    synchronized BudgetCheckpoint checkpoint(String connector, int task, long instance) {
        long time = Math.max(clock.getAsLong(), floor) + 1;
        floor = time;
        own.dropBefore(time - windowMs);
        inherited.values().removeIf(i -> i.time() < time - windowMs);
        inherited.replaceAll((t, i) -> {
            SpendBuckets u = i.usage().copy();
            u.dropBefore(time - windowMs);
            return new BudgetCheckpoint.Inherited(t, i.time(), u);
        });
        return new BudgetCheckpoint(connector, task, instance, time, own.copy(), List.copyOf(inherited.values()));
    }

    synchronized long ownSeconds() {
        return own.total();
    }
}
