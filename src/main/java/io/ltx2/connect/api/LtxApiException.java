package io.ltx2.connect.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A classified API failure. Messages hold the HTTP status and the API's own message, never the
 * key or the callback URL.
 */
public class LtxApiException extends RuntimeException {
    private final ApiErrorKind kind;
    private final int httpStatus;
    private final Duration retryAfter;
    /** Set when the call ended without an attempt of its own (the client closed while it waited): the last attempt's state. */
    private final Boolean processed;
    /** What the API's error answer said of itself, when it said anything: its own code and detail. */
    private final ApiRefusal refusal;

    /**
     * What an error answer of the API carried beyond its status: a provider error identifier or
     * code ({@code SensitiveContentDetected}) and the detail ({@code data.error}); each may be null.
     */
    public record ApiRefusal(String vendorCode, String detail) {
        static final ApiRefusal NONE = new ApiRefusal(null, null);
    }

    public LtxApiException(ApiErrorKind kind, int httpStatus, String message, Duration retryAfter, Throwable cause) {
        this(kind, httpStatus, message, retryAfter, cause, null, ApiRefusal.NONE);
    }

    LtxApiException(ApiErrorKind kind, int httpStatus, String message, Duration retryAfter, ApiRefusal refusal) {
        this(kind, httpStatus, message, retryAfter, null, null, refusal);
    }

    private LtxApiException(ApiErrorKind kind, int httpStatus, String message, Duration retryAfter, Throwable cause, Boolean processed,
                            ApiRefusal refusal) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
        this.processed = processed;
        this.refusal = refusal == null ? ApiRefusal.NONE : refusal;
    }

    /** The client closed while the call waited for its next attempt; {@code lastAttemptMayExist} says what the last one left. */
    static LtxApiException closedWhileWaiting(String what, boolean lastAttemptMayExist) {
        return new LtxApiException(ApiErrorKind.TRANSIENT, 0, what + ": client closed", null, null, lastAttemptMayExist, ApiRefusal.NONE);
    }

    /** The API's own code and detail of the refusal (fields null when it gave none). */
    public ApiRefusal refusal() {
        return refusal;
    }

    /**
     * The failCode a refusal of this request is recorded with: the API's own code where it gave one,
     * else {@code HTTP_<status>}.
     */
    public String failCode() {
        return refusal.vendorCode() != null ? refusal.vendorCode() : "HTTP_" + httpStatus;
    }

    public LtxApiException(ApiErrorKind kind, int httpStatus, String message) {
        this(kind, httpStatus, message, null, (Throwable) null);
    }

    public ApiErrorKind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when the call got no answer (time-out, connection error). */
    public int httpStatus() {
        return httpStatus;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Whether the API may have processed the call that failed this way (and, for a create, made
     * and billed the task): an answer of 500, 502, 504 or 408, no answer after the request went
     * out, or a success answer that could not be read.
     */
    public boolean mayHaveBeenProcessed() {
        if (processed != null) {
            return processed;
        }
        if (kind == ApiErrorKind.MALFORMED_RESPONSE) {
            return true;
        }
        return kind == ApiErrorKind.TRANSIENT
                && AnswerClassifier.mayHaveReachedServer(httpStatus, getCause() instanceof Exception e ? e : null);
    }
}
