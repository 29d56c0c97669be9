package io.ltx2.connect.tracking;

/** The failCode values the sink writes on REJECTED tracking records, which the source turns into events. */
public final class FailCodes {
    /** Rejected before sending: failed local validation or could not be parsed. */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    /** The API answered 400 (or another non-retryable 4xx). */
    public static final String HTTP_400 = "HTTP_400";
    /** Retries of 429/5xx/I/O exhausted, or an unreadable answer: the task may or may not exist on the API side. */
    public static final String SUBMIT_FAILED = "SUBMIT_FAILED";
    /**
     * ltx.sink.dry.run: valid, and not sent; the record carries the input that would have been sent. A preview, not the
     * request's outcome ({@link RequestLifecycle#isPreview}).
     */
    public static final String DRY_RUN = "DRY_RUN";

    private FailCodes() {
    }
}
