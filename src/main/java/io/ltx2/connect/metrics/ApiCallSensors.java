package io.ltx2.connect.metrics;

import org.apache.kafka.common.metrics.Sensor;

/**
 * A task's API calls as metrics: the latency of each attempt by call ({@code create-latency-ms},
 * {@code status-latency-ms}), retries and HTTP 429 answers with their rates ({@code api-retries},
 * {@code rate-limited}). {@link #attempt} has the shape of the API client's {@code CallListener}, so
 * a task hands {@code sensors::attempt} to its client.
 */
public final class ApiCallSensors {
    private static final double NANOS_PER_MS = 1e6;

    private final Sensor createLatency;
    private final Sensor statusLatency;
    private final Sensor retries;
    private final Sensor rateLimited;

    ApiCallSensors(TaskMetrics metrics, boolean creates, boolean statuses) {
        createLatency = creates ? metrics.distribution("create-latency-ms",
                "ms from sending a create call (one attempt) to its answer or failure") : null;
        statusLatency = statuses ? metrics.distribution("status-latency-ms",
                "ms from sending a status call (one attempt) to its answer or failure") : null;
        retries = metrics.counter("api-retries", "API call attempts retried (429s, 5xx, time-outs, connection failures)");
        rateLimited = metrics.counter("rate-limited", "HTTP 429 answers received from the API");
    }

    /** One attempt ended: its kind, latency, HTTP status (0 without an answer), and whether it is retried. */
    public void attempt(boolean create, long latencyNanos, int status, boolean retried) {
        Sensor latency = create ? createLatency : statusLatency;
        if (latency != null) {
            latency.record(latencyNanos / NANOS_PER_MS);
        }
        if (status == 429) {
            rateLimited.record();
        }
        if (retried) {
            retries.record();
        }
    }
}
