package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;

import java.util.Map;

/** Every metric a source task publishes (all registered whatever the configuration, but the retries' gauge, registered here too). */
public final class SourceMetricsCatalog {

    private SourceMetricsCatalog() {
    }

    /** A source task's metrics, registered under {@code connector} with a few events recorded; close to unregister. */
    public static AutoCloseable open(String connector) {
        SourceTaskMetrics m = SourceTaskMetrics.register(connector, 0, new ApiClientStats(), () -> 3, () -> false);
        m.retries(() -> 1);
        long now = System.currentTimeMillis();
        m.event(TerminalEvent.SUCCESS, now - 1_500, now);
        m.event(TerminalEvent.REJECTED, null, now);
        m.statusCalls(2);
        return m;
    }

    public static Map<String, String> metrics() {
        try (SourceTaskMetrics m = SourceTaskMetrics.register("metrics-catalog", 0, new ApiClientStats(), () -> 0, () -> false)) {
            m.retries(() -> 0); // registered when ltx.task.retry.* retries any code (the default)
            return m.descriptions();
        }
    }
}
