package io.ltx2.connect.simulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulation's one thread and its virtual clock: events ordered by (time, sequence), run one at a
 * time, so that a seed replays a schedule exactly. Two queues: I/O (answers, acknowledgements, timers
 * of the tasks' own threads) and worker (what Connect's worker threads do: put, poll, rebalances).
 * A task that sleeps (a closing sink task waiting for its creates) runs only I/O events meanwhile: the
 * worker's other calls wait for it, as a worker thread would be busy.
 */
final class VirtualTime {
    /** 2026-12-01T00:00:00Z: wall-clock time at virtual zero. */
    static final long EPOCH_MILLIS = 1_796_083_200_000L;

    private record Event(long at, long seq, SimNode owner, Runnable action) {
    }

    private final PriorityQueue<Event> io = new PriorityQueue<>(VirtualTime::order);
    private final PriorityQueue<Event> worker = new PriorityQueue<>(VirtualTime::order);
    private long nanos;
    private long seq;
    private int sleeping;
    private long events;
    /** Failures thrown out of events: a thread of a task died of them. */
    private final List<Throwable> uncaught = new ArrayList<>();

    private static int order(Event a, Event b) {
        int c = Long.compare(a.at, b.at);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    long nanoTime() {
        return nanos;
    }

    long millis() {
        return EPOCH_MILLIS + nanos / 1_000_000;
    }

    long events() {
        return events;
    }

    List<Throwable> uncaught() {
        return uncaught;
    }

    /** An I/O event of {@code owner} (null: the world's own) after {@code delayNanos}; skipped once the owner crashed. */
    void io(long delayNanos, SimNode owner, Runnable action) {
        io.add(new Event(nanos + Math.max(0, delayNanos), seq++, owner, action));
    }

    /** A worker event (a call of Connect's into a task, a fault): never run while a task sleeps. */
    void worker(long delayNanos, SimNode owner, Runnable action) {
        worker.add(new Event(nanos + Math.max(0, delayNanos), seq++, owner, action));
    }

    /** Runs events up to {@code untilNanos} (then the clock stands there); false when none is left at all. */
    boolean runUntil(long untilNanos) {
        while (true) {
            Event next = next(untilNanos);
            if (next == null) {
                nanos = Math.max(nanos, untilNanos);
                return !io.isEmpty() || !worker.isEmpty();
            }
            run(next);
        }
    }

    /** A task thread sleeps {@code millis}: I/O events go on meanwhile. */
    void sleep(long millis) {
        long until = nanos + millis * 1_000_000;
        sleeping++;
        try {
            Event next;
            while ((next = next(until)) != null) {
                run(next);
            }
            nanos = Math.max(nanos, until);
        } finally {
            sleeping--;
        }
    }

    private Event next(long untilNanos) {
        Event a = io.peek();
        Event b = sleeping > 0 ? null : worker.peek();
        Event first = a == null ? b : b == null ? a : order(a, b) <= 0 ? a : b;
        if (first == null || first.at > untilNanos) {
            return null;
        }
        return first == a ? io.poll() : worker.poll();
    }

    private void run(Event e) {
        nanos = Math.max(nanos, e.at);
        if (e.owner != null && !e.owner.alive()) {
            return;
        }
        events++;
        try {
            e.action.run();
        } catch (RuntimeException | AssertionError failure) {
            uncaught.add(failure);
        }
    }

    /** Runs what is queued for {@code serial} now, in order (a closing executor drains). */
    static void drain(ArrayDeque<Runnable> serial) {
        Runnable r;
        while ((r = serial.poll()) != null) {
            r.run();
        }
    }
}
