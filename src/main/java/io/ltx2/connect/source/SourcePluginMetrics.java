package io.ltx2.connect.source;

import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * Publishes the task's counters as Connect plugin metrics (KIP-877, workers 4.1 and later), which
 * the worker tags with the connector and task and exposes through its metrics reporters. Kept in
 * its own class so that older workers, which lack {@code PluginMetrics}, never load it.
 */
final class SourcePluginMetrics {
    private static final Logger log = LoggerFactory.getLogger(SourcePluginMetrics.class);

    private SourcePluginMetrics() {
    }

    /** Registers the gauges; returns false on a worker without plugin metrics (JMX still has them). */
    static boolean register(SourceTaskContext context, LtxSourceTaskMetricsMBean m) {
        try {
            PluginMetrics metrics = context.pluginMetrics();
            if (metrics == null) {
                return false;
            }
            add(metrics, "outstanding-tasks", "Tasks submitted and not yet resolved", () -> m.getOutstandingTasks());
            add(metrics, "status-calls-total", "Status calls sent, retries included", m::getStatusCalls);
            add(metrics, "rate-limited-total", "HTTP 429 answers received", m::getRateLimitedResponses);
            add(metrics, "events-success-total", "success events emitted", m::getEventsSuccess);
            add(metrics, "events-failed-total", "failed events emitted", m::getEventsFailed);
            add(metrics, "events-rejected-total", "rejected events emitted", m::getEventsRejected);
            add(metrics, "callbacks-read-total", "CALLBACK tracking records read", m::getCallbacksRead);
            add(metrics, "detection-delay-avg-ms", "Mean time from the API's completeTime to the event", m::getDetectionDelayAvgMs);
            add(metrics, "detection-delay-max-ms", "Longest time from the API's completeTime to the event", m::getDetectionDelayMaxMs);
            return true;
        } catch (NoSuchMethodError | NoClassDefFoundError | AbstractMethodError | UnsupportedOperationException olderWorker) {
            log.debug("Worker without plugin metrics (KIP-877): JMX only");
            return false;
        }
    }

    /**
     * Adds one gauge. A task restarted while its previous instance is still stopping finds the old
     * gauge under the same name: the newest instance takes the name over; a metric never fails the task.
     */
    private static <T> void add(PluginMetrics metrics, String name, String description, Supplier<T> value) {
        org.apache.kafka.common.MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>());
        Gauge<T> gauge = (config, now) -> value.get();
        try {
            metrics.addMetric(metricName, gauge);
        } catch (IllegalArgumentException alreadyExists) {
            try {
                metrics.removeMetric(metricName);
                metrics.addMetric(metricName, gauge);
            } catch (RuntimeException e) {
                log.warn("Metric {} is still held by a previous instance of this task; it is not published by this one", name, e);
            }
        }
    }
}
