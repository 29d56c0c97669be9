package io.ltx2.connect.sink;

import io.ltx2.connect.sink.report.SinkTaskMetrics;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.source.SourceMetricsCatalog;

/**
 * A JVM holding a started sink task's and a source task's metrics MBeans, for checking a JMX agent
 * against them (JmxExporterIT runs it with the Prometheus JMX exporter as its javaagent). Prints
 * READY, then waits {@code args[0]} ms.
 */
public final class MetricsFixtureMain {

    private MetricsFixtureMain() {
    }

    public static void main(String[] args) throws Exception {
        long holdMs = args.length > 0 ? Long.parseLong(args[0]) : 60_000;
        try (ApiSimulator sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).build().start();
             SinkTaskHarness h = new SinkTaskHarness(sim, "fixture-sink").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "600");
             AutoCloseable source = SourceMetricsCatalog.open("fixture-source")) {
            h.start();
            SinkTaskMetrics m = h.task.pipeline().metrics();
            m.submitted.record();
            m.submitted.record();
            m.rejected.record();
            m.submitAckLatency.record(12);
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(holdMs);
        }
    }
}
