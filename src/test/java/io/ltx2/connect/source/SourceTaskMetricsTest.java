package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTaskMetricsTest {

    @Test
    void countsEventsDuplicatesAndDetectionDelayUnderTheSourceTaskMetricsMBean() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.ltx2.connect:type=source-task-metrics,connector=\"metrics-test\",task=3");
        AtomicBoolean paused = new AtomicBoolean();
        try (SourceTaskMetrics m = SourceTaskMetrics.register("metrics-test", 3, new ApiClientStats(), () -> 7, paused::get)) {
            m.event(TerminalEvent.SUCCESS, 1_000L, 1_300L);
            m.event(TerminalEvent.FAILED, 2_000L, 2_100L);
            m.event(TerminalEvent.REJECTED, null, 5_000L);
            m.duplicateTask();
            m.adopted();
            m.intentExpired();
            m.callbackRead();
            m.callbackRead();
            paused.set(true);
            assertThat(jmx.getAttribute(name, "events-success-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "events-failed-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "events-rejected-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "duplicate-tasks-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "adopted-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "intents-expired-total")).isEqualTo(1.0);
            assertThat(jmx.getAttribute(name, "callbacks-read-total")).isEqualTo(2.0);
            assertThat(jmx.getAttribute(name, "detection-delay-ms-max")).isEqualTo(300.0);
            assertThat(jmx.getAttribute(name, "detection-delay-ms-count")).isEqualTo(2.0);
            assertThat(((Number) jmx.getAttribute(name, "outstanding-requests")).intValue()).isEqualTo(7);
            assertThat(((Number) jmx.getAttribute(name, "tracking-paused")).intValue()).isEqualTo(1);
            assertThat(((Number) jmx.getAttribute(name, "status-calls-total")).longValue()).isZero();
        }
        assertThat(jmx.isRegistered(name)).isFalse();
    }
}
