package io.ltx2.connect.metrics;

import io.ltx2.connect.sink.MetricsFixtureMain;
import io.ltx2.connect.source.SourceMetricsCatalog;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker/jmx-exporter.yml against a live JVM: the Prometheus JMX exporter runs as the javaagent of a
 * JVM holding a sink task's and a source task's metrics (MetricsFixtureMain), and its /metrics page
 * must show every source metric and the sink's as {@code ltx_<sink|source>_<metric>{connector,task}},
 * counters typed as counters. Needs the agent jar, which {@code mvn verify} copies to
 * {@code target/jmx-exporter} before the integration tests (pom.xml, execution {@code jmx-exporter-agent});
 * another with {@code -Dltx.jmx.exporter.jar=<path>}; skipped without one.
 */
class JmxExporterIT {

    @Test
    void theExporterRulesTurnEveryTaskMetricIntoAPrometheusSeriesWithConnectorAndTaskLabels() throws Exception {
        Path agent = Path.of(System.getProperty("ltx.jmx.exporter.jar", "target/jmx-exporter/jmx_prometheus_javaagent.jar"));
        assumeTrue(Files.isRegularFile(agent), "no JMX exporter agent at " + agent);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("slf4j-simple")).collect(Collectors.joining(File.pathSeparator));
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-javaagent:" + agent + "=127.0.0.1:" + port + ":docker/jmx-exporter.yml", "-cp", classPath,
                MetricsFixtureMain.class.getName(), "60000").redirectErrorStream(true).start();
        try {
            awaitReady(jvm);
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("ltx_sink_requests_submitted_total{connector=\"fixture-sink\",task=\"0\"} 2.0",
                    "ltx_sink_requests_rejected_total{connector=\"fixture-sink\",task=\"0\"} 1.0",
                    "# TYPE ltx_sink_requests_submitted_total counter", "# TYPE ltx_sink_requests_submitted_rate gauge",
                    "ltx_sink_budget_remaining_hour_seconds{connector=\"fixture-sink\",task=\"0\"} 600.0",
                    "ltx_sink_create_latency_ms_p99{", "ltx_sink_submit_ack_latency_ms_max{connector=\"fixture-sink\",task=\"0\"} 12.0",
                    "ltx_source_events_success_total{connector=\"fixture-source\",task=\"0\"} 1.0",
                    "ltx_source_outstanding_requests{connector=\"fixture-source\",task=\"0\"} 3",
                    "ltx_source_status_calls_per_request_avg{connector=\"fixture-source\",task=\"0\"} 2.0");
            for (String metric : SourceMetricsCatalog.metrics().keySet()) {
                assertThat(page).as("series of source metric %s", metric)
                        .contains("ltx_source_" + metric.replace('-', '_') + "{connector=\"fixture-source\",task=\"0\"}");
            }
        } finally {
            jvm.destroy();
            jvm.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new java.util.ArrayList<>();
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (line.equals("READY")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "fixture-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            seen.add(line);
        }
        throw new AssertionError("the fixture JVM did not get ready: " + String.join("\n", seen));
    }
}
