package io.ltx2.connect.sink;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The task's counters as plugin metrics (KIP-877, Kafka 4.1+); Connect tags them with the
 * connector and task. On older workers there are none, and nothing else changes.
 */
final class SinkTaskMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskMetrics.class);

    private final PluginMetrics pluginMetrics;
    private final List<MetricName> names = new ArrayList<>();

    private SinkTaskMetrics(PluginMetrics pluginMetrics) {
        this.pluginMetrics = pluginMetrics;
    }

    /** Registers the gauges, or returns null when the worker has no plugin metrics. */
    static SinkTaskMetrics register(SinkTaskContext context, SinkCounters counters, LongSupplier inFlight, LongSupplier rateLimited) {
        try {
            PluginMetrics pm = context.pluginMetrics();
            if (pm == null) {
                return null;
            }
            SinkTaskMetrics metrics = new SinkTaskMetrics(pm);
            metrics.gauge("requests-submitted-total", "Requests the API accepted and whose SUBMITTED record is written", counters.submitted::get);
            metrics.gauge("requests-rejected-total", "Requests rejected (invalid, HTTP 400, or submission failed)", counters.rejected::get);
            metrics.gauge("duplicates-skipped-total", "Redelivered requests skipped because they were already handled", counters.skippedDuplicates::get);
            metrics.gauge("creates-in-flight", "Create calls started and not finished", inFlight);
            metrics.gauge("rate-limited-total", "429 answers received from the API", rateLimited);
            metrics.gauge("input-pauses-total", "Times the input was paused for backpressure", counters.pauses::get);
            return metrics;
        } catch (LinkageError | UnsupportedOperationException oldWorker) {
            log.debug("No plugin metrics on this worker (before Kafka 4.1)");
            return null;
        }
    }

    /** Spend metrics: video seconds submitted, and with caps the remaining budget and the time paused by them. */
    void registerCost(SinkCounters counters, SpendBudget budget, OutstandingTasks outstanding) {
        gauge("video-seconds-submitted-total", "Seconds of video submitted (sum of the accepted requests' duration): what is billed",
                counters.videoSecondsSubmitted::get);
        gauge("requests-dry-run-total", "Valid requests recorded as DRY_RUN instead of submitted", counters.dryRun::get);
        gauge("requests-reused-total", "Requests served with an earlier task's result by the duplicate guard (not billed)", counters.reused::get);
        if (budget != null) {
            gauge("budget-remaining-hour-seconds", "Video seconds this task may still submit in the current sliding hour (-1: no hourly cap)",
                    budget::remainingHour);
            gauge("budget-remaining-day-seconds", "Video seconds this task may still submit in the current sliding day (-1: no daily cap)",
                    budget::remainingDay);
            gauge("budget-paused-ms-total", "Milliseconds requests have waited, input paused, for the spend caps to allow them",
                    budget::pausedMs);
        }
        if (outstanding != null) {
            gauge("api-tasks-running", "API tasks this task submitted that have no terminal event yet (the concurrency cap counts these)",
                    outstanding::running);
        }
    }

    /**
     * Adds one gauge. A task restarted while its previous instance is still stopping (a graceful
     * stop that timed out, a fast delete and re-create) finds the old gauge under the same name:
     * the newest instance takes the name over, and a metric never fails the task.
     */
    private void gauge(String name, String description, LongSupplier value) {
        MetricName metricName = pluginMetrics.metricName(name, description, new LinkedHashMap<>());
        Gauge<Long> gauge = (config, now) -> value.getAsLong();
        try {
            pluginMetrics.addMetric(metricName, gauge);
        } catch (IllegalArgumentException alreadyExists) {
            try {
                pluginMetrics.removeMetric(metricName);
                pluginMetrics.addMetric(metricName, gauge);
            } catch (RuntimeException e) {
                log.warn("Metric {} is still held by a previous instance of this task; it is not published by this one", name, e);
                return;
            }
        }
        names.add(metricName);
    }

    @Override
    public void close() {
        for (MetricName name : names) {
            try {
                pluginMetrics.removeMetric(name);
            } catch (RuntimeException e) {
                log.debug("Could not remove metric {}", name.name(), e);
            }
        }
    }
}
