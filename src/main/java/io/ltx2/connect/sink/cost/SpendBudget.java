package io.ltx2.connect.sink.cost;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One sink task's part of the connector's spend caps: video seconds per sliding hour and per
 * sliding day. The connector's cap is split evenly across its tasks, so tasks never need to talk
 * to each other and can never jointly overspend; the price is that a task with little input
 * leaves its part unused (see docs/cost-controls.md).
 * <p>
 * A request's seconds are reserved before its create call starts and released if the API refuses
 * it, so concurrent creates cannot overshoot. At start-up the task loads its own earlier
 * submissions from the tracking topic ({@link BudgetHistory}); submissions of other task indexes
 * found there are also kept, as <em>inherited</em> usage that counts against the connector's
 * whole cap, so reducing {@code tasks.max} does not hand out budget that was already spent.
 * Thread-safe.
 */
public final class SpendBudget {
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);

    private final LongSupplier clock;
    private final Window ownHour;
    private final Window ownDay;
    private final Window inheritedHour;
    private final Window inheritedDay;
    private final long connectorHourCap;
    private final long connectorDayCap;
    private long blockedSince = -1;
    private long pausedMs;

    /**
     * @param connectorHourCap the connector's cap per hour, 0 = none
     * @param connectorDayCap  the connector's cap per day, 0 = none
     * @param tasks            how many tasks share the caps
     * @param clock            epoch milliseconds
     */
    public SpendBudget(long connectorHourCap, long connectorDayCap, int tasks, LongSupplier clock) {
        this.clock = clock;
        this.connectorHourCap = connectorHourCap;
        this.connectorDayCap = connectorDayCap;
        this.ownHour = new Window(HOUR, connectorHourCap / tasks);
        this.ownDay = new Window(DAY, connectorDayCap / tasks);
        this.inheritedHour = new Window(HOUR, 0);
        this.inheritedDay = new Window(DAY, 0);
    }

    /** How far back a task must read the tracking topic to rebuild its usage. */
    Duration lookback() {
        return connectorDayCap > 0 ? DAY : HOUR;
    }

    /** Loads earlier submissions read back from the tracking topic. */
    synchronized void load(Collection<Usage> own, Collection<Usage> inherited) {
        List<Usage> mine = own.stream().sorted(Comparator.comparingLong(Usage::time)).toList();
        List<Usage> others = inherited.stream().sorted(Comparator.comparingLong(Usage::time)).toList();
        long now = clock.getAsLong();
        for (Usage u : mine) {
            Entry e = new Entry(u.time(), u.seconds());
            ownHour.add(e, now);
            ownDay.add(e, now);
        }
        for (Usage u : others) {
            Entry e = new Entry(u.time(), u.seconds());
            inheritedHour.add(e, now);
            inheritedDay.add(e, now);
        }
    }

    /**
     * Reserves {@code seconds} now if both caps allow it; otherwise returns null and counts the
     * time from now as paused, until a later reservation succeeds or {@link #idle()} is called.
     */
    public synchronized Reservation tryReserve(int seconds) {
        long now = clock.getAsLong();
        expire(now);
        if (!fits(ownHour, inheritedHour, connectorHourCap, seconds) || !fits(ownDay, inheritedDay, connectorDayCap, seconds)) {
            if (blockedSince < 0) {
                blockedSince = now;
            }
            return null;
        }
        endPause(now);
        Entry e = new Entry(now, seconds);
        ownHour.add(e, now);
        ownDay.add(e, now);
        return e;
    }

    private static boolean fits(Window own, Window inherited, long connectorCap, int seconds) {
        if (own.cap == 0) {
            return true;
        }
        return own.sum + seconds <= own.cap && own.sum + inherited.sum + seconds <= connectorCap;
    }

    /**
     * Counts what an outcome record says may be billed, {@code seconds}, now, in place of
     * {@code reservation} (null: none), whether or not the caps still allow them: one step, so no
     * other reservation slips in between. A restart reads the same seconds back from the record.
     */
    public synchronized void settle(Reservation reservation, int seconds) {
        long now = clock.getAsLong();
        expire(now);
        if (reservation != null) {
            Entry r = (Entry) reservation;
            ownHour.release(r, now);
            ownDay.release(r, now);
            r.seconds = 0;
        }
        if (seconds > 0) {
            Entry e = new Entry(now, seconds);
            ownHour.add(e, now);
            ownDay.add(e, now);
        }
    }

    /** Gives back a reservation whose request was not accepted. */
    public synchronized void release(Reservation reservation) {
        Entry e = (Entry) reservation;
        long now = clock.getAsLong();
        expire(now);
        ownHour.release(e, now);
        ownDay.release(e, now);
        e.seconds = 0;
    }

    /** Nothing is waiting for budget any more (the queue emptied, e.g. on revocation): stop counting paused time. */
    public synchronized void idle() {
        endPause(clock.getAsLong());
    }

    synchronized boolean blocked() {
        return blockedSince >= 0;
    }

    /** Seconds this task may still submit within the hour; -1 without an hourly cap. */
    public synchronized long remainingHour() {
        expire(clock.getAsLong());
        return remaining(ownHour, inheritedHour, connectorHourCap);
    }

    /** Seconds this task may still submit within the day; -1 without a daily cap. */
    public synchronized long remainingDay() {
        expire(clock.getAsLong());
        return remaining(ownDay, inheritedDay, connectorDayCap);
    }

    private static long remaining(Window own, Window inherited, long connectorCap) {
        if (own.cap == 0) {
            return -1;
        }
        return Math.max(0, Math.min(own.cap - own.sum, connectorCap - own.sum - inherited.sum));
    }

    /** Total milliseconds requests have waited for budget, including a wait in progress. */
    public synchronized long pausedMs() {
        return pausedMs + (blockedSince >= 0 ? clock.getAsLong() - blockedSince : 0);
    }

    /** This task's part of the hourly and daily caps, for logs. */
    long hourCap() {
        return ownHour.cap;
    }

    long dayCap() {
        return ownDay.cap;
    }

    private void endPause(long now) {
        if (blockedSince >= 0) {
            pausedMs += now - blockedSince;
            blockedSince = -1;
        }
    }

    private void expire(long now) {
        ownHour.expire(now);
        ownDay.expire(now);
        inheritedHour.expire(now);
        inheritedDay.expire(now);
    }

    /** A submission found on the tracking topic: when, and how many seconds of video. */
    record Usage(long time, int seconds) {
    }

    /** A handle on reserved seconds, to release them if the request is refused. */
    public interface Reservation {
    }

    private static final class Entry implements Reservation {
        final long time;
        int seconds;

        Entry(long time, int seconds) {
            this.time = time;
            this.seconds = seconds;
        }
    }

    /** Entries in time order within one sliding window, and their sum. */
    private static final class Window {
        final long lengthMs;
        final long cap;
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        long sum;

        Window(Duration length, long cap) {
            this.lengthMs = length.toMillis();
            this.cap = cap;
        }

        void add(Entry e, long now) {
            if (e.time > now - lengthMs) {
                entries.addLast(e);
                sum += e.seconds;
            }
        }

        void expire(long now) {
            while (!entries.isEmpty() && entries.peekFirst().time <= now - lengthMs) {
                sum -= entries.pollFirst().seconds;
            }
        }

        public void release(Entry e, long now) {
            if (e.time > now - lengthMs) {
                sum -= e.seconds;
            }
        }
    }
}
