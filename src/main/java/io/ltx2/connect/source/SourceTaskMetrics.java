package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import io.ltx2.connect.archive.ArchiveListener;
import io.ltx2.connect.metrics.TaskMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.source.SourceTaskContext;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The source task's metrics, JMX {@code io.ltx2.connect:type=source-task-metrics,connector=<name>,task=<n>} (and plugin
 * metrics on a 4.1+ worker).
 * Counters publish {@code <name>-total} and {@code <name>-rate}; {@code detection-delay-ms}
 * (event time minus the API's completeTime) its average, maximum and percentiles. The archive stage's
 * ({@code archive-*}) are registered whether archiving is on or not (then they stay 0).
 */
final class SourceTaskMetrics implements ArchiveListener, AutoCloseable {
    static final String GROUP = "source-task-metrics";

    private final TaskMetrics metrics;
    private final Sensor success;
    private final Sensor failed;
    private final Sensor rejected;
    private final Sensor callbacks;
    private final Sensor duplicates;
    private final Sensor adopted;
    private final Sensor intentsExpired;
    private final Sensor retriesAsked;
    private final Sensor detectionDelay;
    private final Sensor statusCallsPerRequest;
    private final Sensor archivedVideos;
    private final Sensor archivedBytes;
    private final Sensor archiveTransfer;
    private final Sensor archiveRetries;
    private final Sensor archiveFailures;
    private volatile IntSupplier archiveQueued = () -> 0;
    private volatile BooleanSupplier archiveHolding = () -> false;

    SourceTaskMetrics(TaskMetrics metrics, ApiClientStats client, IntSupplier outstanding, BooleanSupplier paused) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        success = metrics.counter("events-success", "success events emitted");
        failed = metrics.counter("events-failed", "failed events emitted");
        rejected = metrics.counter("events-rejected", "rejected events emitted");
        callbacks = metrics.counter("callbacks-read", "CALLBACK tracking records read");
        duplicates = metrics.counter("duplicate-tasks", "API tasks found besides the one whose outcome is (or will be) a request's event: "
                + "each was created, and billed, for nothing");
        adopted = metrics.counter("adopted", "tasks adopted through their callback (their create was never answered)");
        intentsExpired = metrics.counter("intents-expired", "requests let go without an event after create intents only, "
                + "for the sink to handle again");
        retriesAsked = metrics.counter("retries-asked", "RETRY records written: a task failed with a fail code worth another attempt (or "
                + "the sink did not answer an earlier one in time), and the sink was asked for a new attempt");
        detectionDelay = metrics.distribution("detection-delay-ms", "ms from the API's completeTime to the event");
        statusCallsPerRequest = metrics.distribution("status-calls-per-request",
                "status calls this task made for a request it resolved by following a task (client retries not counted)");
        client.listen(metrics.apiCalls(false, true)::attempt);
        metrics.gauge("status-calls-total", "Status calls sent, retries included", client::statusCalls);
        metrics.gauge("api-calls-in-flight", "Status calls started and not finished, including those waiting for a retry or a rate permit",
                client::inFlight);
        metrics.gauge("outstanding-requests", "Requests read from the tracking topic and not yet resolved", outstanding::getAsInt);
        metrics.gauge("tracking-paused", "1 while reading the tracking topic is paused (too many outstanding requests)",
                () -> paused.getAsBoolean() ? 1 : 0);
        archivedVideos = metrics.counter("archive-videos", "videos copied to the object store and verified (ltx.archive.enabled)");
        archivedBytes = metrics.meter("archive-bytes", "bytes of the videos copied to the object store");
        archiveTransfer = metrics.distribution("archive-transfer-ms", "ms to copy one video (download and upload, retries included)");
        archiveRetries = metrics.counter("archive-retries", "video transfers that failed and were tried again");
        archiveFailures = metrics.counter("archive-failures", "successes whose videos could not be archived (their event says why in "
                + "archiveFailure, or the task failed under ltx.archive.failure.policy=fail)");
        metrics.gauge("archive-queue-depth", "Successes waiting for their videos to be archived (transferring or queued)",
                () -> archiveQueued.getAsInt());
        metrics.gauge("archive-holding", "1 while the archive queue is full (ltx.archive.max.queued): no status calls, no tracking reads",
                () -> archiveHolding.getAsBoolean() ? 1 : 0);
    }

    /** The archive stage's queue, for its gauges. */
    void archiveQueue(IntSupplier queued, BooleanSupplier holding) {
        archiveQueued = queued;
        archiveHolding = holding;
    }

    @Override
    public void videoArchived(long bytes, long millis) {
        archivedVideos.record();
        archivedBytes.record(bytes);
        archiveTransfer.record(millis);
    }

    @Override
    public void transferRetried() {
        archiveRetries.record();
    }

    @Override
    public void archiveFailed() {
        archiveFailures.record();
    }

    /** JMX only (tests). */
    static SourceTaskMetrics register(String connector, int task, ApiClientStats client, IntSupplier outstanding, BooleanSupplier paused) {
        return register(connector, task, null, client, outstanding, paused);
    }

    /** The task's metrics; {@code context} (the task's SourceTaskContext, or null) gives the plugin metrics of a 4.1+ worker. */
    static SourceTaskMetrics register(String connector, int task, SourceTaskContext context, ApiClientStats client, IntSupplier outstanding,
                                      BooleanSupplier paused) {
        return new SourceTaskMetrics(TaskMetrics.register(GROUP, connector, task, context), client, outstanding, paused);
    }

    void event(String state, Long completeTime, long detectTime) {
        switch (state) {
            case TerminalEvent.SUCCESS -> success.record();
            case TerminalEvent.REJECTED -> rejected.record();
            default -> failed.record();
        }
        if (completeTime != null && completeTime > 0) {
            detectionDelay.record(Math.max(0, detectTime - completeTime));
        }
    }

    /** A request was resolved after this task made {@code calls} status calls for it. */
    void statusCalls(int calls) {
        statusCallsPerRequest.record(calls);
    }

    void callbackRead() {
        callbacks.record();
    }

    void duplicateTask() {
        duplicates.record();
    }

    void adopted() {
        adopted.record();
    }

    void intentExpired() {
        intentsExpired.record();
    }

    void retryAsked() {
        retriesAsked.record();
    }

    /** Requests waiting for a new attempt the sink was asked for. */
    void retries(IntSupplier waiting) {
        metrics.gauge("requests-awaiting-retry", "Requests whose task failed with a fail code worth another attempt, waiting for the "
                + "sink's new attempt", waiting::getAsInt);
    }

    /** Name and description of every metric published, for the metrics reference (docs/metrics.md). */
    java.util.Map<String, String> descriptions() {
        return metrics.descriptions();
    }

    /** One metric's current value by its published name (for tests and logs). */
    double value(String name) {
        return metrics.value(name);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
