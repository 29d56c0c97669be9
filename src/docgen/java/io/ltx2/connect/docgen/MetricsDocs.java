package io.ltx2.connect.docgen;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders the metrics reference, {@code docs/metrics.md}, from the metrics the tasks publish (name
 * and description, as their {@code TaskMetrics} hold them). {@code MetricsDocsTest} builds both
 * connectors' tasks, reads their metrics and fails when the committed file differs; it rewrites the
 * file with {@code -Dltx.docs.write=true} ({@code mvn -o -q test -Dtest=MetricsDocsTest -Dltx.docs.write=true}).
 */
public final class MetricsDocs {
    /** Metric names: kebab-case. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** One connector's task metrics: its JMX group and its metrics by name, in publication order. */
    public record Group(String title, String group, Map<String, String> metrics) {
    }

    private MetricsDocs() {
    }

    public static String reference(List<Group> groups) {
        StringBuilder out = new StringBuilder();
        out.append("# Metrics reference\n\n")
                .append("Generated from the metrics the tasks publish (`MetricsDocsTest` builds both connectors' tasks and renders this ")
                .append("page with `io.ltx2.connect.docgen.MetricsDocs`); do not edit by hand. How to collect them, what to alert on and ")
                .append("the Grafana dashboard: [operations.md](operations.md#4-metrics).\n\n")
                .append("Every task publishes its metrics, on every worker version (3.7 to 4.4), as one JMX MBean\n\n")
                .append("    io.ltx2.connect:type=<group>,connector=\"<connector name>\",task=<task number>\n\n")
                .append("whose attributes are the metrics below. On a Kafka 4.1+ worker the same metrics, with the same names and ")
                .append("values, are also the task's KIP-877 plugin metrics: they reach the worker's `metric.reporters` and its JMX as ")
                .append("`kafka.connect:type=plugins,connector=<name>,task=<n>`.\n\n")
                .append("Kinds, from the name: `-total` counts (or sums) since the task started; `-rate` is per second over the ")
                .append("window; `-avg`, `-max`, `-p50`, `-p99` are over the window (NaN when nothing was recorded in it); `-count` is ")
                .append("how many values were recorded since the task started; `-reason` is a text gauge (a String attribute, not exported "
                        + "as a Prometheus series); anything else is a gauge read when asked. The window ")
                .append("is the last 2 samples of 30 s. A restarted task starts from 0.\n\n");
        for (Group g : groups) {
            out.append("## ").append(g.title()).append("\n\n")
                    .append("MBean `io.ltx2.connect:type=").append(g.group()).append(",connector=\"<name>\",task=<n>`\n\n")
                    .append("| attribute | kind | type | description |\n|---|---|---|---|\n");
            g.metrics().forEach((name, description) -> out.append("| `").append(name).append("` | ").append(kind(name)).append(" | ")
                    .append(type(name)).append(" | ").append(cell(description)).append(" |\n"));
            out.append('\n');
        }
        return out.toString();
    }

    static String kind(String name) {
        if (name.endsWith("-total")) {
            return "total";
        } else if (name.endsWith("-rate")) {
            return "rate (per s)";
        } else if (name.endsWith("-avg") || name.endsWith("-max")) {
            return "windowed " + name.substring(name.lastIndexOf('-') + 1);
        } else if (name.endsWith("-p50") || name.endsWith("-p99")) {
            return "windowed percentile";
        } else if (name.endsWith("-count")) {
            return "count";
        }
        return "gauge";
    }

    private static String type(String name) {
        if (name.endsWith("-reason")) {
            return "string";
        }
        return "gauge".equals(kind(name)) ? "number" : "double";
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
