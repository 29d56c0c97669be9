package io.ltx2.connect.bench;

import io.ltx2.connect.util.Version;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark-only baseline: what a typical HTTP sink does with this API, one blocking create call
 * per record, sleeping out a 429 before retrying the same record. Not part of the plugin (it lives
 * in the benchmark sources). Keys: {@code naive.api.url}, {@code naive.api.key}, {@code naive.model}.
 */
public final class NaiveBlockingSinkConnector extends SinkConnector {
    static final String API_URL = "naive.api.url";
    static final String API_KEY = "naive.api.key";
    static final String MODEL = "naive.model";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(API_URL, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "API base URL")
            .define(API_KEY, ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "API key")
            .define(MODEL, ConfigDef.Type.STRING, "ltx-2-19b", ConfigDef.Importance.LOW, "model id");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NaiveBlockingSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
