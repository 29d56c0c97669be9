package io.ltx2.connect.sink;

/** The failCode values the sink writes on REJECTED tracking records. */
public final class FailCodes {
    /** Rejected before sending: failed local validation or could not be parsed. */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    /** The API answered 400 (or another non-retryable 4xx). */
    public static final String HTTP_400 = "HTTP_400";
    /** Retries of 429/5xx/I/O exhausted, or an unreadable answer: the task may or may not exist on the API side. */
    public static final String SUBMIT_FAILED = "SUBMIT_FAILED";

    private FailCodes() {
    }
}
