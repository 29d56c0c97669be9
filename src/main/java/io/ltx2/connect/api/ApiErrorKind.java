package io.ltx2.connect.api;

/** How a failed call must be handled; see the error table of the contract. */
public enum ApiErrorKind {
    /** 400: the request itself is wrong; never retry it. */
    BAD_REQUEST(false),
    /** 401/403: the connector's key is wrong or lacks access; fail the task. */
    AUTH(false),
    /** 404: the task id is unknown (status call). */
    NOT_FOUND(false),
    /** 429: over the rate or concurrency limit; wait ({@code Retry-After}) and retry. */
    RATE_LIMITED(true),
    /** 5xx, time-outs and I/O errors: retry with backoff. */
    TRANSIENT(true),
    /** A 2xx answer we cannot read (not JSON, no data, ...): not retried. */
    MALFORMED_RESPONSE(false),
    /**
     * The connection cannot be set up as configured: the API's certificate is not trusted or does
     * not match its host, the server refused the client certificate ({@code ltx.api.ssl.*}), or the
     * proxy refused its credentials (407, {@code ltx.api.proxy.*}). Nothing reached the API; not
     * retried; the task fails with the message, which names the setting to fix.
     */
    TRANSPORT(false);

    private final boolean retryable;

    ApiErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
