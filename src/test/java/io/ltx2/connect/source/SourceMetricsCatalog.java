package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;

import java.util.Map;

/** Every metric a source task publishes (all of them are registered whatever the configuration). */
public final class SourceMetricsCatalog {

    private SourceMetricsCatalog() {
    }

    public static Map<String, String> metrics() {
        try (SourceTaskMetrics m = SourceTaskMetrics.register("metrics-catalog", 0, new ApiClientStats(), () -> 0, () -> false)) {
            return m.descriptions();
        }
    }
}
