package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Delivers completion webhooks as the vendor describes: when a callback task finishes, POST the
 * envelope with the status {@code data} to its {@code callback_url}; the receiver must answer 2xx
 * within 30 s, otherwise up to 3 retries follow, 30 s, 2 min and 10 min after the first attempt
 * (the completion), all scaled by the time scale. A retry whose time passed while the attempt before
 * it waited for its answer goes at once. Faults can lose, delay or duplicate a callback.
 */
final class CallbackSender {
    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

    static final long RESPONSE_DEADLINE_MS = 30_000;
    /**
     * When the retries are due, counted from the first attempt: the webhooks page gives up to 3 retries
     * with growing delays, the first after 30 s (its table is cut there in the copy we have); the issue
     * that asked for them gives 30 s, 2 min and 10 min after completion.
     */
    static final long[] RETRY_AFTER_FIRST_MS = {30_000, 120_000, 600_000};
    static final int MAX_RETRIES = RETRY_AFTER_FIRST_MS.length;
    /** Scaled time-outs below this would fail on a busy machine rather than test anything. */
    private static final long MIN_TIMEOUT_MS = 200;

    private final SimulatorState state;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final Clock clock;
    private final FaultDice dice;
    private final Supplier<Faults> faults;
    private final GenerationTimes times;

    CallbackSender(SimulatorState state, ScheduledExecutorService scheduler, ExecutorService httpExecutor, Clock clock,
                   FaultDice dice, Supplier<Faults> faults, GenerationTimes times) {
        this.state = state;
        this.scheduler = scheduler;
        this.clock = clock;
        this.dice = dice;
        this.faults = faults;
        this.times = times;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor)
                .build();
    }

    /** Schedules the webhook of a callback task for its completion time. */
    void schedule(SimTask task) {
        long delay = Math.max(0, task.completeTime - clock.millis());
        later(() -> onCompletion(task), delay);
    }

    private void onCompletion(SimTask task) {
        if (!state.isCurrent(task)) {
            return;
        }
        Faults f = faults.get();
        if (dice.roll(FaultDice.Stream.CALLBACK_LOSS, f.callbackLossRate())) {
            state.count(SimulatorState.Count.CALLBACKS_LOST);
            log.debug("callback of task {} lost by fault", task.id);
            return;
        }
        boolean duplicate = dice.roll(FaultDice.Stream.CALLBACK_DUPLICATE, f.callbackDuplicateRate());
        later(() -> attempt(task, Delivery.first(false)), f.callbackDelayMs());
        if (duplicate) {
            // The second delivery follows the first one shortly, as a retrying gateway would send it.
            later(() -> attempt(task, Delivery.first(true)), f.callbackDelayMs() + times.scale(1_000));
        }
    }

    /**
     * Where a delivery stands: the attempt about to go (0 the first), whether it is the fault's
     * duplicate, and when its first attempt went (monotonic nanos, not the injectable clock: the
     * timers run in real time).
     */
    private record Delivery(int retry, boolean duplicate, long firstNanos) {
        static Delivery first(boolean duplicate) {
            return new Delivery(0, duplicate, System.nanoTime());
        }

        Delivery next() {
            return new Delivery(retry + 1, duplicate, firstNanos);
        }
    }

    private void attempt(SimTask task, Delivery d) {
        if (!state.isCurrent(task)) {
            return;
        }
        // Never earlier than completion, even if an injected clock has not moved since.
        ObjectNode envelope = Envelopes.ok(task.statusData(Math.max(clock.millis(), task.completeTime)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(task.callbackUrl))
                .timeout(Duration.ofMillis(timeoutMs()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(envelope.toString()))
                .build();
        state.callbackAttempt(task, clock.millis());
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> afterAttempt(task, d, response == null ? -1 : response.statusCode(), error));
        } catch (RuntimeException e) {
            afterAttempt(task, d, -1, e);
        }
    }

    private void afterAttempt(SimTask task, Delivery d, int status, Throwable error) {
        if (status / 100 == 2) {
            state.callbackDelivered(task);
            if (d.duplicate()) {
                state.count(SimulatorState.Count.CALLBACKS_DUPLICATED);
            }
            return;
        }
        state.count(SimulatorState.Count.CALLBACKS_FAILED);
        log.debug("callback of task {} failed (status {}, {})", task.id, status, error == null ? "-" : error.toString());
        if (d.retry() >= MAX_RETRIES) {
            state.count(SimulatorState.Count.CALLBACKS_ABANDONED);
            return;
        }
        Delivery next = d.next();
        long dueNanos = d.firstNanos() + retryAfterFirstMs(next.retry()) * 1_000_000;
        later(() -> attempt(task, next), Math.max(0, (dueNanos - System.nanoTime() + 999_999) / 1_000_000)); // never early
    }

    /** When retry {@code n} (1-based) is due after the first attempt: 30 s, 2 min, 10 min, scaled. */
    long retryAfterFirstMs(int n) {
        return times.scale(RETRY_AFTER_FIRST_MS[n - 1]);
    }

    long timeoutMs() {
        return Math.max(MIN_TIMEOUT_MS, times.scale(RESPONSE_DEADLINE_MS));
    }

    private void later(Runnable r, long delayMs) {
        try {
            scheduler.schedule(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("callback step failed", e);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // The simulator is closing: no more callbacks.
        }
    }
}
