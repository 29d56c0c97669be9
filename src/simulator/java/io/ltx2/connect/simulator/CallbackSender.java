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
 * Delivers completion webhooks as the contract describes: when a callback task finishes, POST the
 * envelope with the status {@code data} to its {@code callback_url}; the receiver must answer 2xx
 * within 30 s, otherwise up to 3 retries follow after 30 s, 60 s and 120 s (all scaled by the time
 * scale). Faults can lose, delay or duplicate a callback.
 */
final class CallbackSender {
    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

    static final int MAX_RETRIES = 3;
    static final long RESPONSE_DEADLINE_MS = 30_000;
    static final long FIRST_RETRY_MS = 30_000;
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
        later(() -> attempt(task, 0, false), f.callbackDelayMs());
        if (duplicate) {
            // The second delivery follows the first one shortly, as a retrying gateway would send it.
            later(() -> attempt(task, 0, true), f.callbackDelayMs() + times.scale(1_000));
        }
    }

    private void attempt(SimTask task, int retry, boolean duplicate) {
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
                    .whenComplete((response, error) -> afterAttempt(task, retry, duplicate,
                            response == null ? -1 : response.statusCode(), error));
        } catch (RuntimeException e) {
            afterAttempt(task, retry, duplicate, -1, e);
        }
    }

    private void afterAttempt(SimTask task, int retry, boolean duplicate, int status, Throwable error) {
        if (status / 100 == 2) {
            state.callbackDelivered(task);
            if (duplicate) {
                state.count(SimulatorState.Count.CALLBACKS_DUPLICATED);
            }
            return;
        }
        state.count(SimulatorState.Count.CALLBACKS_FAILED);
        log.debug("callback of task {} failed (status {}, {})", task.id, status, error == null ? "-" : error.toString());
        if (retry >= MAX_RETRIES) {
            state.count(SimulatorState.Count.CALLBACKS_ABANDONED);
            return;
        }
        later(() -> attempt(task, retry + 1, duplicate), retryDelayMs(retry + 1));
    }

    /** Delay before retry {@code n} (1-based): 30 s, 60 s, 120 s, scaled. */
    long retryDelayMs(int n) {
        return times.scale(FIRST_RETRY_MS << (n - 1));
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
