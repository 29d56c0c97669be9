package io.ltx2.connect.sink.report;

import io.ltx2.connect.api.ApiClientStats;
import io.ltx2.connect.metrics.TaskMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.function.Supplier;

/**
 * What one sink task does, as metrics ({@code io.ltx2.connect:type=sink-task-metrics,connector=..,task=..}
 * on every worker version, and plugin metrics on 4.1+) and for its stop log line. Thread-safe.
 */
public final class SinkTaskMetrics implements AutoCloseable {
    static final String GROUP = "sink-task-metrics";

    private final TaskMetrics metrics;
    public final Sensor submitted;
    public final Sensor rejected;
    public final Sensor dryRun;
    public final Sensor reused;
    public final Sensor handledBefore;
    public final Sensor unconfirmedAttempts;
    public final Sensor adopted;
    final Sensor pauses;
    public final Sensor videoSeconds;
    public final Sensor submitAckLatency;
    public final Sensor intentAckLatency;

    SinkTaskMetrics(TaskMetrics metrics) {
        this.metrics = metrics;
        submitted = metrics.counter("requests-submitted", "requests the API accepted whose SUBMITTED record is durable");
        rejected = metrics.counter("requests-rejected", "requests rejected (invalid, HTTP 400, or submission failed)");
        dryRun = metrics.counter("requests-dry-run", "valid requests recorded as DRY_RUN instead of submitted");
        reused = metrics.counter("requests-reused", "requests served with an earlier task's result by the duplicate guard (not billed)");
        handledBefore = metrics.counter("duplicates-skipped", "redelivered requests an earlier owner had already submitted or rejected");
        unconfirmedAttempts = metrics.sum("unconfirmed-attempts",
                "create attempts that may have created (and been billed for) a task without a SUBMITTED record: found after a restart, "
                        + "or an ambiguous failure; each is named on its request's event");
        adopted = metrics.counter("requests-adopted", "requests whose create was never answered, resolved by adopting the task through its callback");
        pauses = metrics.counter("input-pauses", "times the input was paused for backpressure");
        videoSeconds = metrics.sum("video-seconds-submitted", "seconds of video submitted (sum of the accepted requests' duration): what is billed");
        submitAckLatency = metrics.distribution("submit-ack-latency-ms",
                "ms from the API's create answer to the SUBMITTED record's acknowledgement: the window a crash leaves a create unrecorded");
        intentAckLatency = metrics.distribution("intent-ack-latency-ms", "ms to write the INTENT record before a create goes out");
    }

    /** The task's metrics; {@code context} (the task's SinkTaskContext, or null) gives the plugin metrics of a 4.1+ worker. */
    public static SinkTaskMetrics register(String connector, int task, SinkTaskContext context) {
        return new SinkTaskMetrics(TaskMetrics.register(GROUP, connector, task, context));
    }

    /** The API client's metrics: call counts and latencies (creates, and the duplicate guard's status calls), retries, 429s. */
    public void client(ApiClientStats client) {
        client.listen(metrics.apiCalls(true, true)::attempt);
        metrics.gauge("create-calls-total", "HTTP create calls sent, retries included", client::createCalls);
        metrics.gauge("status-calls-total", "HTTP status calls sent (the duplicate guard's), retries included", client::statusCalls);
        metrics.gauge("api-calls-in-flight", "API calls started and not finished, including those waiting for a retry or a rate permit",
                client::inFlight);
        metrics.gauge("ambiguous-give-ups-total", "create calls ended on an ambiguous failure without another "
                + "try (the API may have created the task); the sink then waits for the task's callback (callback mode), makes a new "
                + "attempt or rejects the request (SUBMIT_FAILED)",
                client::ambiguousGiveUps);
    }

    public void gauge(String name, String description, Supplier<? extends Number> value) {
        metrics.gauge(name, description, value);
    }

    public void textGauge(String name, String description, Supplier<String> value) {
        metrics.textGauge(name, description, value);
    }

    /** Name and description of every metric published, for the metrics reference (docs/metrics.md). */
    public java.util.Map<String, String> descriptions() {
        return metrics.descriptions();
    }

    public long total(String counter) {
        return (long) metrics.value(counter + "-total");
    }

    @Override
    public void close() {
        metrics.close();
    }
}
