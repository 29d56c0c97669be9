package io.ltx2.connect.util;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Time and threads as a task sees them: the system's in a worker ({@link #SYSTEM}); virtual ones in
 * the protocol simulation (src/test), which runs both connectors' tasks on one thread in virtual time
 * so that a seed replays a schedule exactly. Decisions read time from here, never from the JDK.
 */
public interface TaskEnvironment {
    TaskEnvironment SYSTEM = new SystemEnvironment();

    /** Wall-clock time, epoch milliseconds. */
    long currentTimeMillis();

    /** A monotonic clock in nanoseconds, for intervals. */
    long nanoTime();

    /** Waits {@code millis}. */
    void sleep(long millis) throws InterruptedException;

    /** Random numbers for jitter (the simulation's are seeded). */
    default RandomGenerator random() {
        return ThreadLocalRandom.current();
    }

    /** Runs tasks one at a time, in the order given, off the caller's thread. */
    Serial serial(String threadName);

    /** Runs tasks after a delay. */
    Scheduler scheduler(String threadName);

    /** An executor of one thread (or the simulation's queue). */
    interface Serial extends Executor, AutoCloseable {
        /** Runs what was given before, then no more; waits up to {@code timeoutMillis}. */
        void close(long timeoutMillis);

        @Override
        default void close() {
            close(5_000);
        }
    }

    /** Delayed tasks. */
    interface Scheduler extends AutoCloseable {
        /** @throws RejectedExecutionException once closed */
        void schedule(Runnable action, long delayNanos);

        /** Drops what waits; nothing runs after this. */
        @Override
        void close();
    }
}
