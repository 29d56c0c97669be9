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
}
