package io.ltx2.connect.docgen;

import io.ltx2.connect.sink.SinkMetricsCatalog;
import io.ltx2.connect.source.SourceMetricsCatalog;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/metrics.md is what the tasks publish, and the names keep the conventions. */
class MetricsDocsTest {
    private static final Path DOC = Path.of("docs/metrics.md");

    @Test
    void committedReferenceListsEveryMetricOfBothConnectorsTasks() throws Exception {
        Map<String, String> sink = SinkMetricsCatalog.metrics();
        Map<String, String> source = SourceMetricsCatalog.metrics();
        String reference = MetricsDocs.reference(List.of(
                new MetricsDocs.Group("Sink task (`io.ltx2.connect.LtxSinkConnector`)", "sink-task-metrics", sink),
                new MetricsDocs.Group("Source task (`io.ltx2.connect.LtxSourceConnector`)", "source-task-metrics", source)));
        if (Boolean.getBoolean("ltx.docs.write")) {
            Files.writeString(DOC, reference, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/metrics.md is stale: regenerate it with mvn -o -q test -Dtest=MetricsDocsTest -Dltx.docs.write=true")
                .isEqualTo(reference);
    }

    @Test
    void everySeriesTheGrafanaDashboardQueriesIsAMetricOfATask() throws Exception {
        Map<String, String> sink = SinkMetricsCatalog.metrics();
        Map<String, String> source = SourceMetricsCatalog.metrics();
        String dashboard = Files.readString(Path.of("docker/grafana/ltx-dashboard.json"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ltx_(sink|source)_([a-z0-9_]+)").matcher(dashboard);
        int series = 0;
        while (m.find()) {
            Map<String, String> metrics = m.group(1).equals("sink") ? sink : source;
            assertThat(metrics).as("docker/jmx-exporter.yml maps %s to %s", m.group(2).replace('_', '-'), m.group())
                    .containsKey(m.group(2).replace('_', '-'));
            series++;
        }
        assertThat(series).isGreaterThan(20);
    }

    @Test
    void namesAreKebabCaseWithTotalsAndRatesInPairsAndTheMetricsTheDashboardNeedsExist() throws Exception {
        Map<String, String> sink = SinkMetricsCatalog.metrics();
        Map<String, String> source = SourceMetricsCatalog.metrics();
        for (Map<String, String> metrics : List.of(sink, source)) {
            metrics.forEach((name, description) -> {
                assertThat(name).matches(MetricsDocs.NAME.pattern());
                assertThat(description).as("description of %s", name).isNotBlank();
                if (name.endsWith("-rate")) {
                    assertThat(metrics).as("a rate has its total").containsKey(name.replaceAll("-rate$", "-total"));
                }
            });
            assertThat(metrics).containsKeys("status-latency-ms-p50", "status-latency-ms-p99", "api-retries-total", "api-retries-rate",
                    "rate-limited-total", "rate-limited-rate", "api-calls-in-flight", "status-calls-total");
        }
        assertThat(sink).containsKeys("requests-submitted-rate", "requests-rejected-rate", "create-latency-ms-p50", "create-latency-ms-p99",
                "ambiguous-give-ups-total", "unconfirmed-attempts-total", "requests-adopted-total", "budget-remaining-hour-seconds",
                "creates-in-flight", "api-tasks-running");
        assertThat(source).containsKeys("events-success-rate", "events-failed-rate", "events-rejected-rate", "outstanding-requests",
                "detection-delay-ms-p99", "status-calls-per-request-avg", "adopted-total");
    }
}
