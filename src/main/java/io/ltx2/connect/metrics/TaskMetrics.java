package io.ltx2.connect.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Percentile;
import org.apache.kafka.common.metrics.stats.Percentiles;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.utils.Time;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The metrics of one connector task, built with Kafka's own metrics library (windowed rates,
 * averages, maxima and percentiles) and published as one JMX MBean,
 * {@code io.ltx2.connect:type=<group>,connector=<name>,task=<n>}, on every worker version. Only
 * the public client API is used ({@code org.apache.kafka.common.metrics}), so the same metrics
 * appear on a 3.9 and a 4.4 worker. On a 4.1+ worker they are mirrored into the task's KIP-877
 * plugin metrics as well ({@link PluginMetricsMirror}), so the worker's metric reporters see them.
 *
 * <p>Windowed statistics cover the last {@value #SAMPLES} windows of {@value #WINDOW_SECONDS} s.
 * Thread-safe: sensors may be recorded from any thread.
 */
public final class TaskMetrics implements AutoCloseable {
    static final int SAMPLES = 2;
    static final int WINDOW_SECONDS = 30;
    /** Largest value a latency percentile resolves; larger ones count in the top bucket. */
    private static final double PERCENTILE_MAX_MS = 120_000;
    private static final int PERCENTILE_BYTES = 4 * 1024;

    private final Metrics metrics;
    private final String group;
    private final Map<String, String> tags;
    /** Guarded by itself: filled by the task, read by JMX. */
    private final Map<String, KafkaMetric> published = new LinkedHashMap<>();
    private final MetricsMBean mbean;
    /** Null on workers before Kafka 4.1, and without a task context. */
    private final PluginMetricsMirror mirror;

    private TaskMetrics(String group, String connector, int task, Object taskContext) {
        this.metrics = new Metrics(new MetricConfig().samples(SAMPLES).timeWindow(WINDOW_SECONDS, TimeUnit.SECONDS), Time.SYSTEM);
        this.group = group;
        this.tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        this.mbean = new MetricsMBean(group, connector, task, this::values, this::descriptions);
        this.mirror = mirrorOf(taskContext);
    }

    private static PluginMetricsMirror mirrorOf(Object taskContext) {
        try {
            return PluginMetricsMirror.of(taskContext);
        } catch (LinkageError olderWorker) {
            return null;
        }
    }

    /** Metrics of one task, published to JMX only; close them when the task stops. */
    public static TaskMetrics register(String group, String connector, int task) {
        return register(group, connector, task, null);
    }

    /**
     * Metrics of one task, published to JMX and, on a 4.1+ worker, mirrored into the plugin metrics of
     * {@code taskContext} (the task's {@code SinkTaskContext} or {@code SourceTaskContext}; null for none).
     * Close them when the task stops.
     */
    public static TaskMetrics register(String group, String connector, int task, Object taskContext) {
        TaskMetrics m = new TaskMetrics(group, connector, task, taskContext);
        m.mbean.register();
        return m;
    }

    /** Sensors for the task's API calls (latency of creates and/or status calls, retries, 429s). */
    public ApiCallSensors apiCalls(boolean creates, boolean statuses) {
        return new ApiCallSensors(this, creates, statuses);
    }

    /** Whether the metrics are also plugin metrics (a Kafka 4.1+ worker). */
    public boolean mirrored() {
        return mirror != null;
    }

    /** A counter: {@code <name>-total} counts the recordings, {@code <name>-rate} per second over the window. */
    public Sensor counter(String name, String description) {
        Sensor s = metrics.sensor(name);
        s.add(metricName(name + "-total", "Total: " + description), new CumulativeCount());
        s.add(metricName(name + "-rate", "Per second: " + description), new Rate());
        publish(name + "-total", name + "-rate");
        return s;
    }

    /** A sum of recorded values with its rate: {@code <name>-total} and {@code <name>-rate} (the values' sum per second over the window). */
    public Sensor meter(String name, String description) {
        Sensor s = metrics.sensor(name);
        s.add(metricName(name + "-total", "Total: " + description), new CumulativeSum());
        s.add(metricName(name + "-rate", "Per second: " + description), new Rate());
        publish(name + "-total", name + "-rate");
        return s;
    }

    /** A sum of recorded values: {@code <name>-total}. */
    public Sensor sum(String name, String description) {
        Sensor s = metrics.sensor(name);
        s.add(metricName(name + "-total", description), new CumulativeSum());
        publish(name + "-total");
        return s;
    }

    /**
     * A latency or size: {@code <name>-avg}, {@code -max}, {@code -p50}, {@code -p99} over the
     * window, and {@code <name>-count} of all recordings.
     */
    public Sensor distribution(String name, String description) {
        Sensor s = metrics.sensor(name);
        s.add(metricName(name + "-avg", "Average over the window: " + description), new Avg());
        s.add(metricName(name + "-max", "Maximum over the window: " + description), new Max());
        s.add(new Percentiles(PERCENTILE_BYTES, PERCENTILE_MAX_MS, Percentiles.BucketSizing.LINEAR,
                new Percentile(metricName(name + "-p50", "Median over the window: " + description), 50),
                new Percentile(metricName(name + "-p99", "99th percentile over the window: " + description), 99)));
        s.add(metricName(name + "-count", "Recordings in all: " + description), new CumulativeCount());
        publish(name + "-avg", name + "-max", name + "-p50", name + "-p99", name + "-count");
        return s;
    }

    /** A value read when asked (a queue length, a budget). */
    public void gauge(String name, String description, Supplier<? extends Number> value) {
        MetricName mn = metricName(name, description);
        metrics.addMetric(mn, (Gauge<Number>) (config, now) -> value.get());
        publish(name);
    }

    /** A text read when asked (why something waits); JMX shows it as a String attribute. */
    public void textGauge(String name, String description, Supplier<String> value) {
        MetricName mn = metricName(name, description);
        metrics.addMetric(mn, (Gauge<String>) (config, now) -> value.get());
        publish(name);
    }

    private MetricName metricName(String name, String description) {
        return metrics.metricName(name, group, description, tags);
    }

    private void publish(String... names) {
        for (String n : names) {
            KafkaMetric metric = metrics.metric(metricName(n, ""));
            synchronized (published) {
                published.put(n, metric);
            }
            if (mirror != null) {
                mirror.mirror(n, metric.metricName().description(), metric);
            }
        }
    }

    /** The current value of one metric, by name; NaN when unknown. For tests and logs. */
    public double value(String name) {
        KafkaMetric m;
        synchronized (published) {
            m = published.get(name);
        }
        Object v = m == null ? null : m.metricValue();
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private Map<String, Object> values() {
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (published) {
            published.forEach((name, metric) -> out.put(name, metric.metricValue()));
        }
        return out;
    }

    /** Name, description pairs of everything published, for the metrics reference. */
    public Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        synchronized (published) {
            published.forEach((name, metric) -> out.put(name, metric.metricName().description()));
        }
        return out;
    }

    @Override
    public void close() {
        if (mirror != null) {
            mirror.close();
        }
        mbean.unregister();
        metrics.close();
    }
}
