package io.ltx2.connect.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task's metrics mirrored as KIP-877 plugin metrics (Connect 4.1+), so they reach the worker's
 * metric reporters too (JMX {@code kafka.connect:type=plugins,connector=<name>,task=<n>}, and any
 * configured {@code metric.reporters}). Each is a gauge that reads the task's own metric, so both
 * publish the same value. Only this class touches {@link PluginMetrics}: on an older worker
 * {@link #of} finds no such API and returns null, and the class is never used further.
 *
 * <p>A task restarted while its previous instance is still stopping finds the names taken: the
 * newest instance takes them over (removing them through the instance that holds them), and an
 * instance that closes only removes the names it still holds.
 */
final class PluginMetricsMirror {
    private static final Logger log = LoggerFactory.getLogger(PluginMetricsMirror.class);
    /** Which instance holds each plugin metric name in this JVM. Guarded by itself. */
    private static final Map<MetricName, PluginMetricsMirror> HOLDERS = new HashMap<>();
    /** An older worker is told once per JVM, at INFO: one line, not one per task start. */
    private static final AtomicBoolean OLDER_WORKER_TOLD = new AtomicBoolean();

    private final PluginMetrics plugin;
    private final List<MetricName> names = new ArrayList<>();

    private PluginMetricsMirror(PluginMetrics plugin) {
        this.plugin = plugin;
    }

    /** The mirror of a task whose context is a {@code SinkTaskContext} or {@code SourceTaskContext}; null without plugin metrics. */
    static PluginMetricsMirror of(Object taskContext) {
        PluginMetrics plugin;
        try {
            if (taskContext instanceof SinkTaskContext sink) {
                plugin = sink.pluginMetrics();
            } else if (taskContext instanceof SourceTaskContext source) {
                plugin = source.pluginMetrics();
            } else {
                return null;
            }
        } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException | AbstractMethodError olderWorker) {
            if (OLDER_WORKER_TOLD.compareAndSet(false, true)) {
                log.info("This Connect worker has no plugin metrics (KIP-877, Kafka 4.1+): the tasks' metrics are published as their own "
                        + "JMX MBeans (io.ltx2.connect:type=...) only, not copied to kafka.connect:type=plugins or the worker's metric.reporters");
            }
            return null;
        }
        return plugin == null ? null : new PluginMetricsMirror(plugin);
    }

    /** Mirrors one metric under its name; never fails the task. */
    void mirror(String name, String description, KafkaMetric metric) {
        Gauge<Object> gauge = (config, now) -> metric.metricValue();
        synchronized (HOLDERS) {
            MetricName mn;
            try {
                mn = plugin.metricName(name, description, new LinkedHashMap<>());
                add(mn, gauge);
            } catch (RuntimeException e) {
                log.warn("Plugin metric {} is not published by this task instance: {}", name, e.toString());
                return;
            }
            HOLDERS.put(mn, this);
            names.add(mn);
        }
    }

    private void add(MetricName mn, Gauge<Object> gauge) {
        try {
            plugin.addMetric(mn, gauge);
        } catch (IllegalArgumentException taken) {
            PluginMetricsMirror holder = HOLDERS.get(mn);
            if (holder == null || holder == this) {
                throw taken;
            }
            try {
                holder.plugin.removeMetric(mn); // the previous instance of this task, still stopping
            } catch (RuntimeException closed) {
                log.debug("Previous holder of {} already closed", mn.name(), closed);
            }
            holder.names.remove(mn);
            plugin.addMetric(mn, gauge);
        }
    }

    /** Removes the metrics this instance still holds. */
    void close() {
        synchronized (HOLDERS) {
            for (MetricName mn : names) {
                if (HOLDERS.remove(mn, this)) {
                    try {
                        plugin.removeMetric(mn);
                    } catch (RuntimeException e) {
                        log.debug("Plugin metric {} already removed", mn.name(), e);
                    }
                }
            }
            names.clear();
        }
    }
}
