package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one place that decides whether the next create may start: room in the task's pipeline
 * ({@code ltx.sink.max.in.flight}), the client's rate-limit backlog, the concurrency cap, the
 * spend caps, and whether the API takes work at all ({@link ApiAvailability}). A request that
 * may not start yet stays queued, which keeps the input paused, so waiting happens in Kafka, never
 * in a queue a rebalance would lose or resend.
 */
final class Admission {
    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    /**
     * Most wait for the client's rate limit that a create may be handed over with. Beyond it, requests
     * stay queued here and the input pauses, so a revocation (which waits ltx.sink.shutdown.timeout.ms
     * for creates in flight) never leaves creates queued in the client that the next owner would send again.
     */
    static final Duration MAX_RATE_BACKLOG = Duration.ofSeconds(1);

    enum Verdict { ADMIT, PIPELINE_FULL, RATE_BACKLOG, CONCURRENCY_CAP, SPEND_CAP, API_UNAVAILABLE }

    private final int maxInFlight;
    private final LtxApiClient client;
    /** Null when the concurrency cap is off. */
    private final RunningTasks running;
    /** Null when no spend cap is set. */
    private final SpendBudget budget;
    private final ApiAvailability availability;
    private Verdict last = Verdict.ADMIT;

    Admission(int maxInFlight, LtxApiClient client, RunningTasks running, SpendBudget budget, ApiAvailability availability) {
        this.maxInFlight = maxInFlight;
        this.client = client;
        this.running = running;
        this.budget = budget;
        this.availability = availability;
    }

    /**
     * Whether {@code next} may start now, with {@code inFlight} creates unfinished of which
     * {@code startingNow} were taken in this pass (they reserve their rate permits only once
     * started). On ADMIT the request's spend is reserved and handed to {@code reserved} (with
     * spend caps; {@link CreateFlow} keeps it with the request).
     */
    Verdict admit(Submission next, int inFlight, int startingNow, Consumer<SpendBudget.Reservation> reserved) {
        Verdict v = check(next, inFlight, startingNow, reserved);
        if (v != last) {
            logChange(v, next, inFlight);
            last = v;
        }
        return v;
    }

    /** Whether the task has as many creates unfinished as it may. */
    boolean pipelineFull(int inFlight) {
        return inFlight >= maxInFlight;
    }

    private Verdict check(Submission next, int inFlight, int startingNow, Consumer<SpendBudget.Reservation> reserved) {
        if (pipelineFull(inFlight)) {
            return Verdict.PIPELINE_FULL;
        }
        if (client.rateLimitBacklog(startingNow).compareTo(MAX_RATE_BACKLOG) > 0) {
            return Verdict.RATE_BACKLOG;
        }
        if (running != null && !running.hasRoom(inFlight)) {
            return Verdict.CONCURRENCY_CAP;
        }
        SpendBudget.Reservation r = null;
        if (budget != null) {
            r = budget.tryReserve(next.request().seconds());
            if (r == null) {
                return Verdict.SPEND_CAP;
            }
        }
        // Last: while the API cannot take work, admitting is sending the one probe.
        if (!availability.mayStart(next)) {
            release(r);
            return Verdict.API_UNAVAILABLE;
        }
        reserved.accept(r);
        return Verdict.ADMIT;
    }

    /** Gives back a reservation (null: none) no outcome record will count: {@link CreateFlow} decides when. */
    void release(SpendBudget.Reservation r) {
        if (r != null) {
            budget.release(r);
        }
    }

    /** Nothing waits for admission any more (the queue emptied, e.g. on revocation). */
    void idle() {
        if (budget != null) {
            budget.idle();
        }
        last = Verdict.ADMIT;
    }

    private void logChange(Verdict v, Submission next, int inFlight) {
        switch (v) {
            case SPEND_CAP -> log.info("Spend cap reached ({} s left this hour, {} s today, -1 = no cap): {} of {} s waits, input paused "
                    + "until the window allows", budget.remainingHour(), budget.remainingDay(), next, next.request().seconds());
            case API_UNAVAILABLE -> log.debug("The API cannot take work ({}): {} waits, input paused", availability.reason(), next);
            case CONCURRENCY_CAP -> log.debug("Concurrency cap: {} API tasks running and {} creates in flight, cap {}; input paused",
                    running.running(), inFlight, running.limit());
            case ADMIT -> {
                if (last == Verdict.SPEND_CAP) {
                    log.info("Spend cap allows submissions again after {} ms paused in total", budget.pausedMs());
                }
            }
            default -> log.trace("Admission: {}", v);
        }
    }
}
