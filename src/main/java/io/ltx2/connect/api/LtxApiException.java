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

    public LtxApiException(ApiErrorKind kind, int httpStatus, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public LtxApiException(ApiErrorKind kind, int httpStatus, String message) {
        this(kind, httpStatus, message, null, null);
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
        if (kind == ApiErrorKind.MALFORMED_RESPONSE) {
            return true;
        }
        return kind == ApiErrorKind.TRANSIENT
                && AnswerClassifier.mayHaveReachedServer(httpStatus, getCause() instanceof Exception e ? e : null);
    }
}
