package io.ltx2.connect.metrics;

import org.apache.kafka.common.metrics.Sensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskMetricsTest {

    @Test
    void countersDistributionsAndGaugesArePublishedToJmx() {
        try (TaskMetrics m = TaskMetrics.register("test-task-metrics", "jmx-test", 0)) {
            Sensor calls = m.counter("calls", "calls made");
            Sensor latency = m.distribution("latency-ms", "call latency");
            m.gauge("queue", "queued", () -> 7);
            calls.record();
            calls.record();
            for (int i = 1; i <= 100; i++) {
                latency.record(i);
            }

            assertThat(JmxMetrics.sum("test-task-metrics", "jmx-test", "calls-total")).isEqualTo(2.0);
            assertThat(JmxMetrics.sum("test-task-metrics", "jmx-test", "queue")).isEqualTo(7.0);
            assertThat(JmxMetrics.sum("test-task-metrics", "jmx-test", "latency-ms-max")).isEqualTo(100.0);
            assertThat(JmxMetrics.sum("test-task-metrics", "jmx-test", "latency-ms-avg")).isEqualTo(50.5);
            assertThat(m.value("latency-ms-p99")).isBetween(95.0, 101.0);
            assertThat(m.value("latency-ms-count")).isEqualTo(100.0);
        }
        assertThat(JmxMetrics.tasks("test-task-metrics", "jmx-test")).as("unregistered on close").isZero();
    }

    @Test
    void aRestartedTaskTakesTheNameOverAndItsPredecessorsCloseLeavesItAlone() {
        TaskMetrics old = TaskMetrics.register("test-task-metrics", "restart", 1);
        old.counter("events", "events").record();
        TaskMetrics fresh = TaskMetrics.register("test-task-metrics", "restart", 1);
        fresh.gauge("generation", "which instance", () -> 2);

        old.close();

        assertThat(JmxMetrics.tasks("test-task-metrics", "restart")).isEqualTo(1);
        assertThat(JmxMetrics.sum("test-task-metrics", "restart", "generation")).isEqualTo(2.0);
        fresh.close();
        assertThat(JmxMetrics.tasks("test-task-metrics", "restart")).isZero();
    }
}
