package io.ltx2.connect.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** The JDK's clocks and daemon threads. */
final class SystemEnvironment implements TaskEnvironment {

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Override
    public Serial serial(String threadName) {
        ExecutorService executor = Executors.newSingleThreadExecutor(daemon(threadName));
        return new Serial() {
            @Override
            public void execute(Runnable command) {
                executor.execute(command);
            }

            @Override
            public void close(long timeoutMillis) {
                executor.shutdown();
                try {
                    executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    public Scheduler scheduler(String threadName) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(daemon(threadName));
        return new Scheduler() {
            @Override
            public void schedule(Runnable action, long delayNanos) {
                executor.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
