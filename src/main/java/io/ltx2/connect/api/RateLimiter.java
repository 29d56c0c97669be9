package io.ltx2.connect.api;

import java.util.function.LongSupplier;

/**
 * A token bucket that hands out reservations instead of blocking: {@link #reserve()} takes a
 * token now (going into debt if there is none) and says how long the caller must wait before
 * using it. Callers schedule the call after that delay, so no thread ever sleeps and the rate
 * holds however many calls are queued. The bucket holds one second's worth of calls, so a burst
 * never exceeds what the API's per-minute window tolerates.
 */
public final class RateLimiter {
    private final double permitsPerNano;
    private final double capacity;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    public RateLimiter(double permitsPerMinute) {
        this(permitsPerMinute, System::nanoTime);
    }

    RateLimiter(double permitsPerMinute, LongSupplier nanoClock) {
        if (!(permitsPerMinute > 0)) {
            throw new IllegalArgumentException("permitsPerMinute must be > 0, was " + permitsPerMinute);
        }
        this.permitsPerNano = permitsPerMinute / 60e9;
        this.capacity = Math.max(1.0, permitsPerMinute / 60.0);
        this.nanoClock = nanoClock;
        this.lastNanos = nanoClock.getAsLong();
        this.tokens = capacity;
    }

    /** Takes one permit; returns the nanoseconds to wait before using it (0 = now). */
    public synchronized long reserve() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - lastNanos) * permitsPerNano);
        lastNanos = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / permitsPerNano);
    }

    /**
     * How long a call reserved now would wait (0 = none) if {@code ahead} more calls were reserved
     * before it, without reserving anything: the backlog already handed out.
     */
    public synchronized long waitNanos(int ahead) {
        long now = nanoClock.getAsLong();
        double available = Math.min(capacity, tokens + (now - lastNanos) * permitsPerNano) - 1 - ahead;
        return available >= 0 ? 0 : (long) Math.ceil(-available / permitsPerNano);
    }

    public double permitsPerMinute() {
        return permitsPerNano * 60e9;
    }
}
