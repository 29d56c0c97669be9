package io.ltx2.connect.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiCallSensorsTest {

    @Test
    void attemptsGiveLatencyPerCallRetriesAnd429s() {
        try (TaskMetrics m = TaskMetrics.register("test-task-metrics", "api-calls", 0)) {
            ApiCallSensors api = m.apiCalls(true, true);
            api.attempt(true, 120_000_000L, 201, false);
            api.attempt(false, 30_000_000L, 429, true);
            api.attempt(false, 10_000_000L, 0, true);
            api.attempt(false, 20_000_000L, 200, false);
            assertThat(m.value("create-latency-ms-count")).isEqualTo(1.0);
            assertThat(m.value("create-latency-ms-max")).isEqualTo(120.0);
            assertThat(m.value("status-latency-ms-count")).isEqualTo(3.0);
            assertThat(m.value("status-latency-ms-avg")).isEqualTo(20.0);
            assertThat(m.value("rate-limited-total")).isEqualTo(1.0);
            assertThat(m.value("api-retries-total")).isEqualTo(2.0);
            assertThat(m.value("api-retries-rate")).isPositive();
        }
        try (TaskMetrics m = TaskMetrics.register("test-task-metrics", "status-only", 0)) {
            m.apiCalls(false, true).attempt(true, 1, 200, false);
            assertThat(m.descriptions()).doesNotContainKey("create-latency-ms-count").containsKey("status-latency-ms-p99");
        }
    }
}
