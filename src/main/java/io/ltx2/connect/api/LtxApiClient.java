package io.ltx2.connect.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Asynchronous client of the two endpoints. Every call goes through one {@link RateLimiter} and,
 * after a 429, waits out the server's {@code Retry-After} before any call of this client is sent,
 * so the client never causes a 429 storm by itself. Retryable failures (429, 5xx, time-outs, I/O)
 * are retried by the {@link RetryPolicy}; everything else completes the future with a classified
 * {@link LtxApiException}. No thread blocks: waits are scheduled.
 *
 * <p>The API key is read from its {@code Password} only where the header is built.
 */
public final class LtxApiClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LtxApiClient.class);

    private final ApiClientSettings settings;
    private final ApiExchange http;
    private final TaskEnvironment env;
    private final RateLimiter limiter;
    private final TaskEnvironment.Scheduler scheduler;
    private final ApiClientStats stats = new ApiClientStats();
    /** The environment's nanoTime before which no call may be sent (after a 429). */
    private final AtomicLong throttledUntilNanos;
    private final URI createUri;
    private final String statusBase;

    public LtxApiClient(ApiClientSettings settings) {
        this(settings, TaskEnvironment.SYSTEM, ApiExchange.http(settings));
    }

    /** Over {@code exchange}, in {@code env}'s time (the protocol simulation's virtual ones). */
    public LtxApiClient(ApiClientSettings settings, TaskEnvironment env, ApiExchange exchange) {
        this.settings = settings;
        this.env = env;
        this.limiter = new RateLimiter(settings.callsPerMinute(), env::nanoTime);
        this.throttledUntilNanos = new AtomicLong(env.nanoTime());
        String base = settings.baseUrl().toString();
        this.createUri = URI.create(base + "/generateTask/" + settings.model());
        this.statusBase = base + "/statusTask/" + settings.model() + "?taskId=";
        this.scheduler = env.scheduler("ltx-api-scheduler");
        this.http = exchange;
    }

    /** Creates a task; completes with the task id. Ambiguous failures are retried like any other. */
    public CompletableFuture<String> createTask(CreateTaskRequest request) {
        return createTask(request, Integer.MAX_VALUE, CreateGate.OPEN);
    }

    /** As {@link #createTask(CreateTaskRequest, int, CreateGate)}, always sending. */
    public CompletableFuture<String> createTask(CreateTaskRequest request, int maxAmbiguousRetries) {
        return createTask(request, maxAmbiguousRetries, CreateGate.OPEN);
    }

    /**
     * Creates a task; completes with the task id.
     *
     * <p>A failure after the request may have reached the API (an HTTP 5xx or 408 answer, a response
     * time-out, a connection closed after sending) is <em>ambiguous</em>: the API may have created,
     * and will bill, the task. Such failures are retried at most {@code maxAmbiguousRetries} times,
     * so one lost answer costs at most that many extra tasks. Failures that prove the API never saw
     * the request (connection refused, 503, 429, DNS) stay retryable up to the retry policy's limit.
     * {@code gate} is asked before each attempt goes on the wire (see {@link CreateGate}).
     */
    public CompletableFuture<String> createTask(CreateTaskRequest request, int maxAmbiguousRetries, CreateGate gate) {
        return createTask(() -> request, maxAmbiguousRetries, gate);
    }

    /**
     * As {@link #createTask(CreateTaskRequest, int, CreateGate)}, the body made for each attempt once the gate let it go (the
     * sink's callback URL then names the tracking partition its INTENT landed on).
     */
    public CompletableFuture<String> createTask(Supplier<CreateTaskRequest> request, int maxAmbiguousRetries, CreateGate gate) {
        Call<String> call = new Call<>("create task", () -> SimpleRequestBuilder.post(createUri).setBody(encode(request.get()),
                ContentType.APPLICATION_JSON), true, a -> ResponseParser.taskId(ResponseParser.data(a.envelope(), a.status(), "create task"),
                a.status()), maxAmbiguousRetries, gate);
        return start(call);
    }

    private static byte[] encode(CreateTaskRequest request) {
        try {
            return Json.MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode request: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a task's state. */
    public CompletableFuture<TaskStatus> getStatus(String taskId) {
        URI uri = URI.create(statusBase + URLEncoder.encode(taskId, StandardCharsets.UTF_8));
        String what = "status of task " + taskId;
        return start(new Call<>(what, () -> SimpleRequestBuilder.get(uri), false,
                a -> ResponseParser.status(ResponseParser.data(a.envelope(), a.status(), what), a.status()), Integer.MAX_VALUE, CreateGate.OPEN));
    }

    /** When the last 429 asked us to wait until, if that is still ahead. */
    public Optional<Instant> throttledUntil() {
        long remaining = throttledUntilNanos.get() - env.nanoTime();
        return remaining > 0 ? Optional.of(Instant.ofEpochMilli(env.currentTimeMillis()).plusNanos(remaining)) : Optional.empty();
    }

    /**
     * How long a call started now would wait for the client-side rate limit if {@code ahead} more
     * calls were started before it: the backlog of calls already accepted by this client. Callers
     * that can hold work back (the sink) use it to keep requests in Kafka rather than queued here.
     */
    public Duration rateLimitBacklog(int ahead) {
        return Duration.ofNanos(limiter.waitNanos(ahead));
    }

    /**
     * How long a call started now would wait before it goes out: for a rate permit, or for the
     * {@code Retry-After} of a 429. Callers that keep their own queue (the source's status calls)
     * start calls only when this is 0, so that calls wait in their order rather than in the client.
     */
    public long sendDelayMillis() {
        long nanos = Math.max(limiter.waitNanos(0), throttledUntilNanos.get() - env.nanoTime());
        return nanos <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(nanos) + 1;
    }

    public ApiClientStats stats() {
        return stats;
    }

    public ApiClientSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        scheduler.close();
        http.close();
    }

    private <T> CompletableFuture<T> start(Call<T> call) {
        stats.inFlight.incrementAndGet();
        call.result.whenComplete((v, e) -> {
            stats.inFlight.decrementAndGet();
            if (e != null) {
                stats.failures.incrementAndGet();
            }
        });
        attempt(call);
        return call.result;
    }

    /** Waits for a rate permit (and any Retry-After), then asks the gate and sends. */
    private <T> void attempt(Call<T> call) {
        long delay = Math.max(limiter.reserve(), throttledUntilNanos.get() - env.nanoTime());
        if (delay <= 0) {
            passGate(call);
        } else {
            schedule(call, () -> passGate(call), delay);
        }
    }

    private <T> void passGate(Call<T> call) {
        if (call.result.isDone()) {
            return;
        }
        call.gate.beforeSend(call.previousMayExist).whenComplete((go, error) -> {
            if (error != null) {
                call.result.completeExceptionally(error);
            } else if (!Boolean.TRUE.equals(go)) {
                call.result.completeExceptionally(new CancellationException(call.what + ": withdrawn by the caller before it was sent"));
            } else {
                send(call);
            }
        });
    }

    private <T> void send(Call<T> call) {
        SimpleHttpRequest request = call.request.get()
                .addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey().value())
                .addHeader(HttpHeaders.ACCEPT, "application/json")
                .build();
        (call.create ? stats.createCalls : stats.statusCalls).incrementAndGet();
        call.sentNanos = env.nanoTime();
        try {
            http.send(request, new FutureCallback<>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    handle(call, response, null);
                }

                @Override
                public void failed(Exception ex) {
                    handle(call, null, ex);
                }

                @Override
                public void cancelled() {
                    handle(call, null, new CancellationException("cancelled"));
                }
            });
        } catch (RuntimeException e) {
            handle(call, null, e);
        }
    }

    private <T> void handle(Call<T> call, SimpleHttpResponse response, Exception ioError) {
        LtxApiException error;
        call.latencyNanos = env.nanoTime() - call.sentNanos;
        call.status = response == null ? 0 : response.getCode();
        if (response != null) {
            try {
                T value = call.onSuccess.apply(AnswerClassifier.classify(call.what, AnswerClassifier.redacted(response, settings.redaction())));
                attempted(call, false);
                call.result.complete(value);
                return;
            } catch (LtxApiException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new LtxApiException(ApiErrorKind.MALFORMED_RESPONSE, response.getCode(), call.what + ": " + e.getMessage(), null, e);
            }
        } else {
            error = TransportFailures.classify(call.what, settings.baseUrl(), ioError, http.clientCertificateRefused());
        }
        retryOrFail(call, error, ioError);
    }

    private <T> void retryOrFail(Call<T> call, LtxApiException error, Exception ioError) {
        // A 429 is the API saying "not now", not a failure of this call: it is waited out however often
        // it comes and does not use up the retry budget (giving up would reject a valid request for a
        // busy API). All calls of this client wait with it, so this never becomes a tight loop.
        boolean throttled = error.kind() == ApiErrorKind.RATE_LIMITED;
        boolean ambiguous = error.kind() == ApiErrorKind.TRANSIENT && AnswerClassifier.mayHaveReachedServer(error.httpStatus(), ioError);
        if (throttled) {
            stats.rateLimited.incrementAndGet();
            call.throttled++;
        } else {
            call.failures++;
        }
        call.previousMayExist = ambiguous;
        if (!error.kind().retryable() || (!throttled && !settings.retryPolicy().mayRetry(call.failures))) {
            attempted(call, false);
            call.result.completeExceptionally(error);
            return;
        }
        if (ambiguous && ++call.ambiguous > call.maxAmbiguous) {
            stats.ambiguousGiveUps.incrementAndGet();
            attempted(call, false);
            call.result.completeExceptionally(error);
            return;
        }
        attempted(call, true);
        if (call.create) {
            try {
                call.gate.retrying(ambiguous);
            } catch (RuntimeException e) {
                log.debug("Create gate failed on retry", e);
            }
        }
        Duration wait = settings.retryPolicy().delayFor(throttled ? call.throttled : call.failures, error.retryAfter(), env.random());
        if (throttled) {
            // Everyone waits, not only this call: that is what the server asked for.
            long until = throttledUntilNanos.accumulateAndGet(env.nanoTime() + wait.toNanos(), Math::max);
            limiter.holdUntil(until); // and no burst when the wait is over
        }
        stats.retries.incrementAndGet();
        log.debug("{} failed ({}), retry in {} ms", call.what, error.getMessage(), wait.toMillis());
        schedule(call, () -> attempt(call), wait.toNanos());
    }

    /** Tells the stats' listener of the attempt that just ended; a listener's failure never disturbs the call. */
    private void attempted(Call<?> call, boolean retried) {
        try {
            stats.listener().attempt(call.create, call.latencyNanos, call.status, retried);
        } catch (RuntimeException e) {
            log.debug("Call listener failed", e);
        }
    }

    private void schedule(Call<?> call, Runnable action, long delayNanos) {
        try {
            scheduler.schedule(action, delayNanos);
        } catch (RejectedExecutionException closed) {
            call.result.completeExceptionally(LtxApiException.closedWhileWaiting(call.what, call.previousMayExist));
        }
    }

    /** One logical call across its attempts; its counters are touched by one attempt at a time. */
    private static final class Call<T> {
        final String what;
        final Supplier<SimpleRequestBuilder> request;
        final boolean create;
        final Function<AnswerClassifier.Answer, T> onSuccess;
        final int maxAmbiguous;
        final CreateGate gate;
        final CompletableFuture<T> result = new CompletableFuture<>();
        int failures;
        int ambiguous;
        int throttled;
        boolean previousMayExist;
        long sentNanos;
        long latencyNanos;
        int status;

        Call(String what, Supplier<SimpleRequestBuilder> request, boolean create, Function<AnswerClassifier.Answer, T> onSuccess,
             int maxAmbiguous, CreateGate gate) {
            this.what = what;
            this.request = request;
            this.create = create;
            this.onSuccess = onSuccess;
            this.maxAmbiguous = maxAmbiguous;
            this.gate = gate;
        }
    }
}
