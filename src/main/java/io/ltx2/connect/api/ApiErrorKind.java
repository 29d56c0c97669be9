package io.ltx2.connect.api;

/** How a failed call must be handled; see the error table of the contract. */
public enum ApiErrorKind {
    /** 400, 413 and 422: the request itself is wrong; never retry it. */
    BAD_REQUEST(false),
    /** 401, and a 403 about the key: the connector's key is wrong or lacks access; fail the task. */
    AUTH(false),
    /**
     * A 403 about the request's content (the API's content policy; told apart from a key refusal by
     * the answer's body, see {@code AnswerClassifier#kindOf}): permanent for this request only.
     */
    CONTENT_REFUSED(false),
    /**
     * 402 (or a 403 about the balance): the account cannot pay for work now. Not this request's fault
     * and not the key's: the sink keeps its requests and waits, input paused, until the API takes
     * work again (a top-up). Not retried by the client itself.
     */
    ACCOUNT(false),
    /** 404: the task id is unknown (status call). */
    NOT_FOUND(false),
    /** 429: over the rate or concurrency limit; wait ({@code Retry-After}) and retry. */
    RATE_LIMITED(true),
    /** 5xx, time-outs and I/O errors: retry with backoff. */
    TRANSIENT(true),
    /** A 2xx answer we cannot read (not JSON, no data, ...): not retried. */
    MALFORMED_RESPONSE(false),
    /**
     * A status the contract gives no meaning (a 3xx with redirects off, 405, 409, 410, ...): a moved endpoint or
     * something in the way, never the request's fault. Not retried; a create so answered fails the sink task, naming
     * the status, rather than rejecting (and committing) the backlog.
     */
    UNEXPECTED_STATUS(false),
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
