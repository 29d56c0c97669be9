package io.ltx2.connect.sink;

import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.util.Times;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The one account-level state "the API cannot take work now": an empty balance (HTTP 402), an
 * outage that outlasted the client's retries, or fail codes that say the account or the model is
 * not available (read by the source, see {@link #unavailableByFailCode}). Meanwhile no request is
 * rejected: they stay queued (the input paused, see {@link Admission}), and one create at a time
 * goes out as a probe, first {@code backoff} after the API became unavailable and then twice as
 * long after each failed probe, up to {@code maxBackoff}. The probe's acceptance ends the state.
 * Refusals of creates that were already out when the state began change nothing (they would
 * otherwise stretch the first wait by a doubling each), and a probe that ends any other way (a
 * rejection, a rebalance) lets the next one go.
 *
 * <p>A fail code's unavailability is different: a create may well be accepted while the model is
 * offline, so an accepted probe proves nothing. It lasts its backoff, then the input resumes; the
 * next such fail code of a task created after that doubles the backoff, one of a task created
 * before it (still in flight when the state ended) is ignored.
 *
 * <p>Thread-safe: answers arrive on HTTP threads, fail codes on the task thread.
 */
final class ApiAvailability {
    private static final Logger log = LoggerFactory.getLogger(ApiAvailability.class);

    private final LongSupplier clock;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final long maxUnavailableMs;
    private boolean unavailable;
    private boolean byFailCode;
    private String reason = "";
    private int status;
    private long since;
    private long nextTryAt;
    private long backoffMs;
    /** The create let out as the probe, until it ends; null when none is out. */
    private Object probe;
    /** When the last unavailability ended: fail codes of tasks created before it are of that one. */
    private long lastEnded = Long.MIN_VALUE;
    private boolean lastEndedByFailCode;
    private long totalMs;

    ApiAvailability(AvailabilityConfig.Settings settings, LongSupplier clock) {
        this.clock = clock;
        this.initialBackoffMs = settings.backoff().toMillis();
        this.maxBackoffMs = Math.max(initialBackoffMs, settings.maxBackoff().toMillis());
        this.maxUnavailableMs = settings.maxUnavailable().map(Duration::toMillis).orElse(0L);
    }

    /** Whether {@code create} may start now: always while available; else only as the one probe, once its time has come. */
    synchronized boolean mayStart(Object create) {
        if (!unavailable) {
            return true;
        }
        long now = clock.getAsLong();
        if (byFailCode) {
            if (now >= nextTryAt) {
                end(now, "its wait is over");
                return true;
            }
            return false;
        }
        if (probe == null && now >= nextTryAt) {
            probe = create;
            return true;
        }
        return false;
    }

    /** {@code create} was refused because the API cannot take work ({@code status}: its HTTP status, 0 without an answer). */
    synchronized void unavailable(Object create, String why, int httpStatus) {
        long now = clock.getAsLong();
        boolean probeFailed = create == probe;
        if (probeFailed) {
            probe = null;
        }
        if (!unavailable || byFailCode) {
            begin(now, why, httpStatus, false);
            backoffMs = initialBackoffMs;
        } else if (probeFailed) {
            backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
            reason = why;
            status = httpStatus;
        } else {
            log.debug("A create sent before the API became unavailable was refused too: {}", why);
            return; // already waiting: the wait is the probe's to lengthen
        }
        nextTryAt = Times.plus(now, backoffMs);
        log.warn("The API cannot take work: {}. Every request is kept and the input paused; the next create is tried in {} ms "
                + "(unavailable for {} ms so far)", why, backoffMs, now - since);
    }

    /**
     * A task failed with a fail code that says the API cannot do the work now; {@code taskCreated}
     * is when that task was submitted.
     */
    synchronized void unavailableByFailCode(String failCode, long taskCreated) {
        long now = clock.getAsLong();
        if (unavailable || taskCreated < lastEnded) {
            return; // already waiting, or a task of the unavailability just over
        }
        boolean again = lastEndedByFailCode && now - lastEnded < 2 * backoffMs; // it came back soon after the last wait
        begin(now, "tasks fail with " + failCode, 0, true);
        backoffMs = again ? Math.min(maxBackoffMs, backoffMs * 2) : initialBackoffMs;
        nextTryAt = Times.plus(now, backoffMs);
        log.warn("The API cannot do the work now: a task failed with {}. Every request is kept and the input paused for {} ms", failCode,
                backoffMs);
    }

    /** {@code create} ended neither accepted nor refused for unavailability: if it was the probe, the next one may go. */
    synchronized void ended(Object create) {
        if (create == probe) {
            probe = null;
        }
    }

    /**
     * {@code create} was accepted: the API takes work, when it was the probe. A create sent before
     * the state began and answered after it proves nothing of now: ending the state on it would let
     * the whole queue out, only to be refused again.
     */
    synchronized void accepted(Object create) {
        if (unavailable && !byFailCode && create == probe) {
            end(clock.getAsLong(), "a create was accepted");
        }
    }

    private void begin(long now, String why, int httpStatus, boolean failCode) {
        unavailable = true;
        byFailCode = failCode;
        reason = why;
        status = httpStatus;
        since = now;
    }

    private void end(long now, String how) {
        log.info("The API takes work again ({}) after {} ms unavailable ({}): resuming", how, now - since, reason);
        totalMs += now - since;
        unavailable = false;
        probe = null;
        lastEnded = now;
        lastEndedByFailCode = byFailCode;
        reason = "";
        status = 0;
    }

    /** Registers whether, why and how long the API could not take work. */
    void gauges(SinkTaskMetrics metrics) {
        metrics.gauge("api-unavailable", "1 while the API cannot take work (HTTP 402, an outage beyond the retries, fail codes that say the "
                + "account or model is unavailable): requests are kept and the input paused; else 0", () -> isUnavailable() ? 1 : 0);
        metrics.gauge("api-unavailable-status", "The HTTP status that made the API unavailable (402, 503, ...), 0 while available or for a "
                + "fail code", this::status);
        metrics.textGauge("api-unavailable-reason", "Why the API cannot take work now; empty while it can", this::reason);
        metrics.gauge("api-unavailable-ms-total", "Milliseconds the API could not take work, in all", this::unavailableMs);
    }

    synchronized boolean isUnavailable() {
        return unavailable;
    }

    /** Why the API cannot take work, or "" while it can. */
    synchronized String reason() {
        return reason;
    }

    /** The HTTP status that made it unavailable (402, 503, ...), 0 while available or without an answer. */
    synchronized int status() {
        return status;
    }

    /** Milliseconds the API has been unavailable in all, including now. */
    synchronized long unavailableMs() {
        return totalMs + (unavailable ? clock.getAsLong() - since : 0);
    }

    /** The task's failure once the API has been unavailable longer than {@code ltx.sink.unavailable.max.ms}; null otherwise. */
    synchronized ConnectException failure() {
        if (!unavailable || maxUnavailableMs == 0) {
            return null;
        }
        long now = clock.getAsLong();
        if (now - since < maxUnavailableMs) {
            return null;
        }
        return new ConnectException("The API has not taken work for " + (now - since) + " ms (" + reason + "), longer than "
                + AvailabilityConfig.MAX_MS + " = " + maxUnavailableMs + " ms. No request was rejected for it and no input offset of an "
                + "unsubmitted request was committed: restart the task once the API takes work again (top up the balance).");
    }
}
