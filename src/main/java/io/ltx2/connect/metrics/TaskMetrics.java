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
 * appear on a 3.9 and a 4.4 worker.
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

    private TaskMetrics(String group, String connector, int task) {
        this.metrics = new Metrics(new MetricConfig().samples(SAMPLES).timeWindow(WINDOW_SECONDS, TimeUnit.SECONDS), Time.SYSTEM);
        this.group = group;
        this.tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        this.mbean = new MetricsMBean(group, connector, task, this::values, this::descriptions);
    }

    /** Metrics of one task, published to JMX; close them when the task stops. */
    public static TaskMetrics register(String group, String connector, int task) {
        TaskMetrics m = new TaskMetrics(group, connector, task);
        m.mbean.register();
        return m;
    }

    /** A counter: {@code <name>-total} counts the recordings, {@code <name>-rate} per second over the window. */
    public Sensor counter(String name, String description) {
        Sensor s = metrics.sensor(name);
        s.add(metricName(name + "-total", "Total: " + description), new CumulativeCount());
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
        synchronized (published) {
            published.put(name, metrics.metric(mn));
        }
    }

    private MetricName metricName(String name, String description) {
        return metrics.metricName(name, group, description, tags);
    }

    private void publish(String... names) {
        synchronized (published) {
            for (String n : names) {
                published.put(n, metrics.metric(metricName(n, "")));
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
        mbean.unregister();
        metrics.close();
    }
}
