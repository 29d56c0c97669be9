package io.ltx2.connect.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The task metrics mirrored into KIP-877 plugin metrics: as a 4.1+ worker gives them, and absent on older workers. */
class PluginMetricsMirrorTest {
    /** The worker's registry: what its metric reporters see. */
    private final Metrics worker = new Metrics();

    @AfterEach
    void close() {
        worker.close();
    }

    private PluginMetricsImpl pluginMetrics(String connector, int task) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        return new PluginMetricsImpl(worker, tags);
    }

    private static <T> T context(Class<T> type, Supplier<PluginMetrics> pluginMetrics) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getName().equals("pluginMetrics")) {
                return pluginMetrics.get();
            }
            throw new UnsupportedOperationException(method.getName());
        }));
    }

    private Object workerValue(String name, String connector, int task) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        var metric = worker.metric(new MetricName(name, "plugins", "", tags));
        return metric == null ? null : metric.metricValue();
    }

    @Test
    void everyMetricOfATaskIsAlsoAPluginMetricWithTheSameValue() {
        PluginMetricsImpl plugin = pluginMetrics("mirror", 0);
        try (TaskMetrics m = TaskMetrics.register("test-task-metrics", "mirror", 0, context(SinkTaskContext.class, () -> plugin))) {
            assertThat(m.mirrored()).isTrue();
            m.counter("calls", "calls made").record();
            m.distribution("latency-ms", "latency").record(40);
            m.gauge("queue", "queued", () -> 3);
            assertThat(workerValue("calls-total", "mirror", 0)).isEqualTo(1.0);
            assertThat(workerValue("calls-rate", "mirror", 0)).isNotNull();
            assertThat(workerValue("latency-ms-max", "mirror", 0)).isEqualTo(40.0);
            assertThat(workerValue("latency-ms-p99", "mirror", 0)).isNotNull();
            assertThat(workerValue("queue", "mirror", 0)).isEqualTo(3);
            assertThat(JmxMetrics.sum("test-task-metrics", "mirror", "calls-total")).as("and on JMX as before").isEqualTo(1.0);
        }
        assertThat(workerValue("calls-total", "mirror", 0)).as("removed when the task stops").isNull();
    }

    @Test
    void aRestartedTaskTakesThePluginMetricNamesOverAndItsPredecessorsCloseLeavesThem() throws Exception {
        PluginMetricsImpl oldPlugin = pluginMetrics("restart", 2);
        PluginMetricsImpl newPlugin = pluginMetrics("restart", 2);
        TaskMetrics old = TaskMetrics.register("test-task-metrics", "restart-pm", 2, context(SourceTaskContext.class, () -> oldPlugin));
        old.gauge("generation", "which instance", () -> 1);
        TaskMetrics fresh = TaskMetrics.register("test-task-metrics", "restart-pm", 2, context(SourceTaskContext.class, () -> newPlugin));
        fresh.gauge("generation", "which instance", () -> 2);
        assertThat(workerValue("generation", "restart", 2)).isEqualTo(2);

        old.close();
        oldPlugin.close(); // what the worker does when the old task is finally gone
        assertThat(workerValue("generation", "restart", 2)).isEqualTo(2);
        fresh.close();
        assertThat(workerValue("generation", "restart", 2)).isNull();
    }

    @Test
    void onAnOlderWorkerTheMetricsAreOnJmxOnly() {
        Supplier<PluginMetrics> noMethod = () -> {
            throw new NoSuchMethodError("org.apache.kafka.connect.sink.SinkTaskContext.pluginMetrics()");
        };
        Supplier<PluginMetrics> unsupported = () -> {
            throw new UnsupportedOperationException("no plugin metrics");
        };
        for (Supplier<PluginMetrics> older : java.util.List.of(noMethod, unsupported, () -> null)) {
            try (TaskMetrics m = TaskMetrics.register("test-task-metrics", "older", 0, context(SinkTaskContext.class, older))) {
                assertThat(m.mirrored()).isFalse();
                m.counter("calls", "calls made").record();
                assertThat(JmxMetrics.sum("test-task-metrics", "older", "calls-total")).isEqualTo(1.0);
            }
        }
    }
}
