package io.ltx2.connect.api;

/**
 * Told of every HTTP attempt an {@link LtxApiClient} makes, for metrics (the sink's and source's
 * task metrics implement it; the api package knows nothing of them). Called on the HTTP client's
 * threads: it must be quick and must not throw.
 */
@FunctionalInterface
public interface CallListener {
    CallListener NONE = (create, latencyNanos, status, retried) -> {
    };

    /**
     * One attempt of a call ended.
     *
     * @param create       a create call ({@code generateTask}); false for a status call
     * @param latencyNanos from sending the attempt to its answer or failure
     * @param status       the HTTP status of the answer; 0 when none came (time-out, connection failure)
     * @param retried      the client sends the call again after this attempt (a 429, or a retryable failure)
     */
    void attempt(boolean create, long latencyNanos, int status, boolean retried);
}
