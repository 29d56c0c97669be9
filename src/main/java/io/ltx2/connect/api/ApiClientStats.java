package io.ltx2.connect.api;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one {@link LtxApiClient}, read by metrics and tests. */
public final class ApiClientStats {
    final AtomicLong createCalls = new AtomicLong();
    final AtomicLong statusCalls = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong ambiguousGiveUps = new AtomicLong();
    private volatile CallListener listener = CallListener.NONE;

    /** Tells {@code listener} of every attempt from now on (one listener; the last one set wins). */
    public void listen(CallListener listener) {
        this.listener = listener == null ? CallListener.NONE : listener;
    }

    CallListener listener() {
        return listener;
    }

    /** HTTP create calls sent, retries included. */
    public long createCalls() {
        return createCalls.get();
    }

    /** HTTP status calls sent, retries included. */
    public long statusCalls() {
        return statusCalls.get();
    }

    public long retries() {
        return retries.get();
    }

    /** 429 answers received. */
    public long rateLimited() {
        return rateLimited.get();
    }

    /** Operations that ended in an error after any retries. */
    public long failures() {
        return failures.get();
    }

    /** Creates given up because their ambiguous failures (the API may have created the task) used up their retries. */
    public long ambiguousGiveUps() {
        return ambiguousGiveUps.get();
    }

    /** Operations started and not yet completed (including those waiting for a retry or a permit). */
    public long inFlight() {
        return inFlight.get();
    }
}
