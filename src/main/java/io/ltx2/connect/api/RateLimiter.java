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
    /** No permits build up before this (a 429's Retry-After); starts at creation, no sentinel (overflow). */
    private long holdUntilNanos;

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
        this.holdUntilNanos = lastNanos;
        this.tokens = capacity;
    }

    /** Takes one permit; returns the nanoseconds to wait before using it (0 = now). */
    public synchronized long reserve() {
        long now = nanoClock.getAsLong();
        refill(now);
        tokens -= 1;
        return held(now) + (tokens >= 0 ? 0 : (long) Math.ceil(-tokens / permitsPerNano));
    }

    private void refill(long now) {
        long from = Math.max(lastNanos, holdUntilNanos);
        if (now > from) {
            tokens = Math.min(capacity, tokens + (now - from) * permitsPerNano);
        }
        lastNanos = Math.max(lastNanos, now);
    }

    private long held(long now) {
        return Math.max(0, holdUntilNanos - now);
    }

    /**
     * The API asked for a pause until {@code untilNanos} (a 429's {@code Retry-After}): no permits
     * build up meanwhile, so the calls that waited go out at the steady rate afterwards, not as a
     * burst that would bring the next 429.
     */
    public synchronized void holdUntil(long untilNanos) {
        long now = nanoClock.getAsLong();
        refill(now);
        if (untilNanos > Math.max(now, holdUntilNanos)) {
            tokens = Math.min(tokens, 0);
            holdUntilNanos = untilNanos;
        }
    }

    /**
     * How long a call reserved now would wait (0 = none) if {@code ahead} more calls were reserved
     * before it, without reserving anything: the backlog already handed out.
     */
    public synchronized long waitNanos(int ahead) {
        long now = nanoClock.getAsLong();
        long from = Math.max(lastNanos, holdUntilNanos);
        double available = (now > from ? Math.min(capacity, tokens + (now - from) * permitsPerNano) : tokens) - 1 - ahead;
        return held(now) + (available >= 0 ? 0 : (long) Math.ceil(-available / permitsPerNano));
    }

    public double permitsPerMinute() {
        return permitsPerNano * 60e9;
    }
}
