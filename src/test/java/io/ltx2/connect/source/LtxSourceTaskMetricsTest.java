package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LtxSourceTaskMetricsTest {

    @Test
    void countsEventsAndDetectionDelayAndSurvivesAPredecessorClosingLate() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = LtxSourceTaskMetrics.objectName("metrics-test", 0);
        LtxSourceTaskMetrics old = new LtxSourceTaskMetrics(() -> 0, new ApiClientStats());
        old.register("metrics-test", 0);
        LtxSourceTaskMetrics current = new LtxSourceTaskMetrics(() -> 7, new ApiClientStats());
        current.register("metrics-test", 0);
        old.close();
        assertThat(jmx.isRegistered(name)).isTrue();

        current.recordEvent(TerminalEvent.SUCCESS, 1_000L, 1_300L);
        current.recordEvent(TerminalEvent.FAILED, 2_000L, 2_100L);
        current.recordEvent(TerminalEvent.REJECTED, null, 5_000L);
        assertThat(jmx.getAttribute(name, "OutstandingTasks")).isEqualTo(7);
        assertThat(jmx.getAttribute(name, "EventsSuccess")).isEqualTo(1L);
        assertThat(jmx.getAttribute(name, "EventsFailed")).isEqualTo(1L);
        assertThat(jmx.getAttribute(name, "EventsRejected")).isEqualTo(1L);
        assertThat(jmx.getAttribute(name, "DetectionDelayAvgMs")).isEqualTo(200.0);
        assertThat(jmx.getAttribute(name, "DetectionDelayMaxMs")).isEqualTo(300L);
        current.close();
        assertThat(jmx.isRegistered(name)).isFalse();
    }
}
