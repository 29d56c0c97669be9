package io.ltx2.connect.simulation;

import io.ltx2.connect.util.TaskEnvironment;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;

/**
 * One process's view of the simulation: a task instance's time and threads ({@link TaskEnvironment}),
 * all on the simulation's one thread in virtual time. A crash kills it: none of its pending events
 * (answers to its calls, acknowledgements of its writes, its timers) runs any more.
 */
final class SimNode implements TaskEnvironment {
    private final String name;
    private final VirtualTime time;
    private final Random random;
    private boolean alive = true;

    SimNode(String name, VirtualTime time, Random random) {
        this.name = name;
        this.time = time;
        this.random = random;
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    String name() {
        return name;
    }

    boolean alive() {
        return alive;
    }

    void crash() {
        alive = false;
    }

    @Override
    public long currentTimeMillis() {
        return time.millis();
    }

    @Override
    public long nanoTime() {
        return time.nanoTime();
    }

    @Override
    public void sleep(long millis) {
        time.sleep(millis);
    }

    @Override
    public Serial serial(String threadName) {
        ArrayDeque<Runnable> queue = new ArrayDeque<>();
        return new Serial() {
            private boolean closed;

            @Override
            public void execute(Runnable command) {
                if (closed) {
                    throw new RejectedExecutionException(threadName + " is closed");
                }
                queue.add(command);
                time.io(0, SimNode.this, () -> {
                    Runnable r = queue.poll();
                    if (r != null) {
                        r.run();
                    }
                });
            }

            @Override
            public void close(long timeoutMillis) {
                closed = true;
                VirtualTime.drain(queue);
            }
        };
    }

    @Override
    public Scheduler scheduler(String threadName) {
        return new Scheduler() {
            private boolean closed;

            @Override
            public void schedule(Runnable action, long delayNanos) {
                if (closed) {
                    throw new RejectedExecutionException(threadName + " is closed");
                }
                time.io(delayNanos, SimNode.this, () -> {
                    if (!closed) {
                        action.run();
                    }
                });
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
