package io.ltx2.connect.simulator;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What changes while the simulator runs ({@link ApiSimulator#setFaults}, {@code POST /_sim/faults},
 * {@link ApiSimulator#setLimitsEnabled}): the current faults, the 429 storm and the outage they
 * started, and the switch of the rate and concurrency limits. Read by every call, so lock-free.
 */
final class LiveControls {
    private final Clock clock;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    /** Clock millis until which every API call gets 429, and the Retry-After it carries. */
    private volatile long stormUntil;
    private volatile int stormRetryAfter;
    /** Clock millis until which the faults' outage lasts. */
    private volatile long outageUntil;
    private volatile boolean limitsEnabled;

    LiveControls(Clock clock, boolean limitsEnabled) {
        this.clock = clock;
        this.limitsEnabled = limitsEnabled;
    }

    Faults faults() {
        return faults.get();
    }

    /** Replaces the faults; a storm or an outage in them starts now. */
    void setFaults(Faults newFaults) {
        Objects.requireNonNull(newFaults, "faults");
        outageUntil = newFaults.outageDurationMs() > 0 ? clock.millis() + newFaults.outageDurationMs() : 0;
        faults.set(newFaults);
        if (newFaults.stormDurationMs() > 0) {
            stormRetryAfter = newFaults.stormRetryAfterSeconds();
            stormUntil = clock.millis() + newFaults.stormDurationMs();
        } else {
            stormUntil = 0;
        }
    }

    void updateFaults(UnaryOperator<Faults> change) {
        setFaults(change.apply(faults.get()));
    }

    /** True while a storm set by the faults lasts. */
    boolean inStorm(long now) {
        return now < stormUntil;
    }

    /** The faults whose outage takes a call of {@code endpoint} (null: the balance call) now, or null when none does. */
    Faults outageTaking(Endpoint endpoint, long now) {
        Faults f = faults.get();
        return now < outageUntil && f.outageEndpoints().covers(endpoint) ? f : null;
    }

    /** The Retry-After of the current storm, in seconds. */
    int stormRetryAfter() {
        return stormRetryAfter;
    }

    boolean limitsEnabled() {
        return limitsEnabled;
    }

    void setLimitsEnabled(boolean enabled) {
        this.limitsEnabled = enabled;
    }
}
