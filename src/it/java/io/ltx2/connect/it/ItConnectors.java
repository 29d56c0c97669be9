package io.ltx2.connect.it;

import io.ltx2.connect.LtxSinkConnector;
import io.ltx2.connect.LtxSourceConnector;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;

import java.util.HashMap;
import java.util.Map;

/**
 * The connector configs the integration tests start from: schemaless JSON values, string keys,
 * the simulator's address and key, and retries fast enough for a time-scaled simulator. Each test
 * puts what it is about on top.
 */
public final class ItConnectors {

    private ItConnectors() {
    }

    /** A sink of {@code topics} (a comma list) writing to {@code tracking}, two tasks. */
    public static Map<String, String> sink(String apiUrl, String apiKey, String bootstrap, String topics, String tracking) {
        Map<String, String> c = common(apiUrl, apiKey, bootstrap, tracking);
        c.put("connector.class", LtxSinkConnector.class.getName());
        c.put("topics", topics);
        c.put("ltx.api.retry.backoff.max.ms", "2000");
        return c;
    }

    /**
     * A source following {@code tracking} into {@code events}, two tasks, its schedule scaled for a
     * simulator running at {@code timeScale} (the contract's timings times it).
     */
    public static Map<String, String> source(String apiUrl, String apiKey, String bootstrap, String tracking, String events, double timeScale) {
        Map<String, String> c = common(apiUrl, apiKey, bootstrap, tracking);
        c.put("connector.class", LtxSourceConnector.class.getName());
        c.put("ltx.events.topic", events);
        c.put("ltx.api.retry.backoff.max.ms", "500");
        c.put("ltx.poll.time.scale", String.valueOf(timeScale));
        c.put("ltx.poll.min.interval.ms", Long.toString(Math.max(1, Math.round(2_000 * timeScale))));
        c.put("ltx.poll.max.interval.ms", Long.toString(Math.max(1, Math.round(30_000 * timeScale))));
        c.put("ltx.partition.check.interval.ms", "1000");
        return c;
    }

    private static Map<String, String> common(String apiUrl, String apiKey, String bootstrap, String tracking) {
        Map<String, String> c = new HashMap<>();
        c.put("tasks.max", "2");
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", JsonConverter.class.getName());
        c.put("value.converter.schemas.enable", "false");
        c.put("ltx.api.url", apiUrl);
        c.put("ltx.api.key", apiKey);
        c.put("ltx.api.retry.backoff.ms", "50");
        c.put("ltx.tracking.topic", tracking);
        c.put("ltx.tracking.bootstrap.servers", bootstrap);
        return c;
    }
}
