package io.ltx2.connect.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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
    private final CloseableHttpAsyncClient http;
    private final RateLimiter limiter;
    private final ScheduledExecutorService scheduler;
    private final ApiClientStats stats = new ApiClientStats();
    /** System.nanoTime before which no call may be sent (after a 429). */
    private final AtomicLong throttledUntilNanos = new AtomicLong(System.nanoTime());
    private final URI createUri;
    private final String statusBase;

    public LtxApiClient(ApiClientSettings settings) {
        this.settings = settings;
        this.limiter = new RateLimiter(settings.callsPerMinute());
        String base = settings.baseUrl().toString();
        this.createUri = URI.create(base + "/generateTask/" + settings.model());
        this.statusBase = base + "/statusTask/" + settings.model() + "?taskId=";
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.responseTimeout()))
                        .build())
                .build();
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(settings.responseTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(settings.responseTimeout()))
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .setUserAgent("ltx2-kafka-connect")
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ltx-api-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.http.start();
    }

    /** Creates a task; completes with the task id. Ambiguous failures are retried like any other (see the overload). */
    public CompletableFuture<String> createTask(CreateTaskRequest request) {
        return createTask(request, Integer.MAX_VALUE);
    }

    /**
     * Creates a task; completes with the task id.
     *
     * <p>A failure after the request may have reached the API (an HTTP 5xx or 408 answer, a response
     * time-out, a connection closed after sending) is <em>ambiguous</em>: the API may have created,
     * and will bill, the task. Such failures are retried at most {@code maxAmbiguousRetries} times,
     * so one lost answer costs at most that many extra tasks. Failures that prove the API never saw
     * the request (connection refused, 429, DNS) stay retryable up to the retry policy's limit.
     */
    public CompletableFuture<String> createTask(CreateTaskRequest request, int maxAmbiguousRetries) {
        return createTask(request, maxAmbiguousRetries, () -> true);
    }

    /**
     * As {@link #createTask(CreateTaskRequest, int)}, asking {@code mayStart} right before each
     * attempt is put on the wire (after any wait for a rate permit or a retry delay). When it says
     * no, nothing is sent and the future fails with a {@link java.util.concurrent.CancellationException}:
     * the caller withdrew the request (its input partition was revoked, say).
     */
    public CompletableFuture<String> createTask(CreateTaskRequest request, int maxAmbiguousRetries, java.util.function.BooleanSupplier mayStart) {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new LtxApiException(ApiErrorKind.BAD_REQUEST, 0, "cannot encode request: " + e.getOriginalMessage()));
        }
        return call("create task", () -> SimpleRequestBuilder.post(createUri).setBody(body, ContentType.APPLICATION_JSON),
                stats.createCalls, resp -> ResponseParser.taskId(ResponseParser.data(resp.envelope, resp.status, "create task"), resp.status),
                new Attempts(maxAmbiguousRetries, mayStart));
    }

    /** Reads a task's state. */
    public CompletableFuture<TaskStatus> getStatus(String taskId) {
        URI uri = URI.create(statusBase + URLEncoder.encode(taskId, StandardCharsets.UTF_8));
        String what = "status of task " + taskId;
        return call(what, () -> SimpleRequestBuilder.get(uri), stats.statusCalls,
                resp -> ResponseParser.status(ResponseParser.data(resp.envelope, resp.status, what), resp.status),
                new Attempts(Integer.MAX_VALUE, () -> true));
    }

    /** When the last 429 asked us to wait until, if that is still ahead. */
    public Optional<Instant> throttledUntil() {
        long remaining = throttledUntilNanos.get() - System.nanoTime();
        return remaining > 0 ? Optional.of(Instant.now().plusNanos(remaining)) : Optional.empty();
    }

    /**
     * How long a call started now would wait for the client-side rate limit if {@code ahead} more
     * calls were started before it: the backlog of calls already accepted by this client. Callers
     * that can hold work back (the sink) use it to keep requests in Kafka rather than queued here.
     */
    public Duration rateLimitBacklog(int ahead) {
        return Duration.ofNanos(limiter.waitNanos(ahead));
    }

    public ApiClientStats stats() {
        return stats;
    }

    public ApiClientSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.close(CloseMode.IMMEDIATE);
    }

    private <T> CompletableFuture<T> call(String what, java.util.function.Supplier<SimpleRequestBuilder> request,
                                          AtomicLong counter, Function<ParsedResponse, T> onSuccess, Attempts first) {
        CompletableFuture<T> result = new CompletableFuture<>();
        stats.inFlight.incrementAndGet();
        result.whenComplete((v, e) -> {
            stats.inFlight.decrementAndGet();
            if (e != null) {
                stats.failures.incrementAndGet();
            }
        });
        attempt(what, request, counter, onSuccess, result, first);
        return result;
    }

    private <T> void attempt(String what, java.util.function.Supplier<SimpleRequestBuilder> request, AtomicLong counter,
                             Function<ParsedResponse, T> onSuccess, CompletableFuture<T> result, Attempts failures) {
        long delay = Math.max(limiter.reserve(), throttledUntilNanos.get() - System.nanoTime());
        Runnable send = () -> send(what, request, counter, onSuccess, result, failures);
        if (delay <= 0) {
            send.run();
        } else {
            try {
                scheduler.schedule(send, delay, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                result.completeExceptionally(new LtxApiException(ApiErrorKind.TRANSIENT, 0, what + ": client closed"));
            }
        }
    }

    private <T> void send(String what, java.util.function.Supplier<SimpleRequestBuilder> request, AtomicLong counter,
                          Function<ParsedResponse, T> onSuccess, CompletableFuture<T> result, Attempts failures) {
        if (result.isDone()) {
            return;
        }
        if (!failures.mayStart.getAsBoolean()) {
            result.completeExceptionally(new java.util.concurrent.CancellationException(what + ": withdrawn by the caller before it was sent"));
            return;
        }
        SimpleHttpRequest http = request.get()
                .addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey().value())
                .addHeader(HttpHeaders.ACCEPT, "application/json")
                .build();
        counter.incrementAndGet();
        try {
            this.http.execute(http, new FutureCallback<>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    handle(what, request, counter, onSuccess, result, failures, response, null);
                }

                @Override
                public void failed(Exception ex) {
                    handle(what, request, counter, onSuccess, result, failures, null, ex);
                }

                @Override
                public void cancelled() {
                    handle(what, request, counter, onSuccess, result, failures, null, new java.util.concurrent.CancellationException("cancelled"));
                }
            });
        } catch (RuntimeException e) {
            handle(what, request, counter, onSuccess, result, failures, null, e);
        }
    }

    private <T> void handle(String what, java.util.function.Supplier<SimpleRequestBuilder> request, AtomicLong counter,
                            Function<ParsedResponse, T> onSuccess, CompletableFuture<T> result, Attempts failures,
                            SimpleHttpResponse response, Exception ioError) {
        LtxApiException error;
        if (response != null) {
            try {
                result.complete(onSuccess.apply(classify(what, response)));
                return;
            } catch (LtxApiException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new LtxApiException(ApiErrorKind.MALFORMED_RESPONSE, response.getCode(), what + ": " + e.getMessage(), null, e);
            }
        } else {
            error = new LtxApiException(ApiErrorKind.TRANSIENT, 0, what + ": " + describe(ioError), null, ioError);
        }
        if (error.kind() == ApiErrorKind.RATE_LIMITED) {
            stats.rateLimited.incrementAndGet();
        }
        // A 429 is the API saying "not now", not a failure of this call: it is waited out however often
        // it comes and does not use up the retry budget (giving up would reject a valid request for a
        // busy API). All calls of this client wait with it, so this never becomes a tight loop.
        boolean throttled = error.kind() == ApiErrorKind.RATE_LIMITED;
        boolean ambiguous = error.kind() == ApiErrorKind.TRANSIENT && mayHaveReachedServer(error.httpStatus(), ioError);
        Attempts next = throttled ? failures.nextThrottled() : failures.next(ambiguous);
        int attempts = next.failures;
        if (!error.kind().retryable() || (!throttled && !settings.retryPolicy().mayRetry(attempts)) || http == null) {
            result.completeExceptionally(error);
            return;
        }
        if (ambiguous && next.ambiguous > next.maxAmbiguous) {
            stats.ambiguousGiveUps.incrementAndGet();
            result.completeExceptionally(error);
            return;
        }
        Duration wait = settings.retryPolicy().delayFor(throttled ? next.throttled : attempts, error.retryAfter());
        if (error.kind() == ApiErrorKind.RATE_LIMITED) {
            // Everyone waits, not only this call: that is what the server asked for.
            long until = System.nanoTime() + wait.toNanos();
            throttledUntilNanos.accumulateAndGet(until, Math::max);
        }
        stats.retries.incrementAndGet();
        log.debug("{} failed ({}), retry {} in {} ms", what, error.getMessage(), attempts, wait.toMillis());
        try {
            scheduler.schedule(() -> attempt(what, request, counter, onSuccess, result, next), wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            result.completeExceptionally(error);
        }
    }

    /** Maps an HTTP answer to a parsed envelope or a classified error. */
    static ParsedResponse classify(String what, SimpleHttpResponse response) {
        int status = response.getCode();
        byte[] body = response.getBodyBytes();
        JsonNode envelope = null;
        try {
            envelope = ResponseParser.parseBody(body, status, what);
        } catch (LtxApiException notJson) {
            if (status / 100 == 2) {
                throw notJson;
            }
        }
        // Some gateways answer HTTP 200 with an error code in the envelope: the envelope wins then.
        int effective = status;
        if (status / 100 == 2 && envelope != null && envelope.hasNonNull("code") && envelope.get("code").canConvertToInt()) {
            int code = envelope.get("code").asInt();
            if (code >= 300) {
                effective = code;
            }
        }
        if (effective / 100 == 2) {
            return new ParsedResponse(status, envelope);
        }
        String apiMessage = ResponseParser.message(envelope);
        String message = what + ": HTTP " + effective + (apiMessage == null ? "" : ": " + apiMessage);
        ApiErrorKind kind;
        if (effective == 400 || effective == 422) {
            kind = ApiErrorKind.BAD_REQUEST;
        } else if (effective == 401 || effective == 403) {
            kind = ApiErrorKind.AUTH;
            message = what + ": HTTP " + effective + ": the API key was refused (check ltx.api.key)"
                    + (apiMessage == null ? "" : ": " + apiMessage);
        } else if (effective == 404) {
            kind = ApiErrorKind.NOT_FOUND;
        } else if (effective == 429) {
            kind = ApiErrorKind.RATE_LIMITED;
        } else if (effective >= 500 || effective == 408) {
            kind = ApiErrorKind.TRANSIENT;
        } else {
            kind = ApiErrorKind.BAD_REQUEST;
        }
        return throwing(new LtxApiException(kind, effective, message, retryAfter(response.getFirstHeader(HttpHeaders.RETRY_AFTER)), null));
    }

    private static ParsedResponse throwing(LtxApiException e) {
        throw e;
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date. */
    static Duration retryAfter(Header header) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String v = header.getValue().trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /**
     * Whether a failed call may have been processed. An answer of 500, 502, 504 or 408 may come
     * after (or from a gateway in front of) work that was done; 503 says the server refused to take
     * the request (overload, maintenance), like 429. Without an answer, only a refused or
     * unresolvable connection proves that nothing was sent.
     */
    static boolean mayHaveReachedServer(int httpStatus, Exception ioError) {
        if (httpStatus > 0) {
            return httpStatus != 503;
        }
        for (Throwable t = ioError; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return false;
            }
        }
        return ioError != null && !(ioError instanceof java.util.concurrent.CancellationException);
    }

    /**
     * Failures of one call so far (429s apart, they use no retry budget), how many were ambiguous,
     * and the caller's go-ahead. Immutable.
     */
    private static final class Attempts {
        final int failures;
        final int ambiguous;
        final int throttled;
        final int maxAmbiguous;
        final java.util.function.BooleanSupplier mayStart;

        Attempts(int maxAmbiguous, java.util.function.BooleanSupplier mayStart) {
            this(0, 0, 0, maxAmbiguous, mayStart);
        }

        private Attempts(int failures, int ambiguous, int throttled, int maxAmbiguous, java.util.function.BooleanSupplier mayStart) {
            this.failures = failures;
            this.ambiguous = ambiguous;
            this.throttled = throttled;
            this.maxAmbiguous = maxAmbiguous;
            this.mayStart = mayStart;
        }

        Attempts next(boolean ambiguousFailure) {
            return new Attempts(failures + 1, ambiguous + (ambiguousFailure ? 1 : 0), throttled, maxAmbiguous, mayStart);
        }

        Attempts nextThrottled() {
            return new Attempts(failures, ambiguous, throttled + 1, maxAmbiguous, mayStart);
        }
    }

    private static String describe(Exception e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }

    record ParsedResponse(int status, JsonNode envelope) {
    }
}
