package io.ltx2.connect.sink;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.ApiSimulator;

import java.util.Map;

/** Every metric a sink task publishes, read from a task started with every optional part on (callback mode, spend caps, concurrency cap). */
public final class SinkMetricsCatalog {

    private SinkMetricsCatalog() {
    }

    public static Map<String, String> metrics() throws Exception {
        try (ApiSimulator sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).build().start();
             SinkTaskHarness h = new SinkTaskHarness(sim, "metrics-catalog")
                     .with(LtxSinkConfig.REQUEST_TYPE, "callback")
                     .with(LtxSinkConfig.CALLBACK_URL, "http://127.0.0.1:1/callback/metrics-catalog-token")
                     .with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "1000")
                     .with(LtxSinkConfig.BUDGET_SECONDS_PER_DAY, "10000")
                     .with(LtxSinkConfig.CONCURRENCY_EVENTS_TOPIC, "events")) {
            h.start();
            return h.task.pipeline().metrics().descriptions();
        }
    }
}
