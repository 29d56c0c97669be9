package io.ltx2.connect;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LtxSinkConnectorTest {
    private static final String KEY = "sk-test-very-secret-1234";
    private static final String CALLBACK = "https://hooks.example.com/ltx/cb?token=tok-secret-987";

    private static Map<String, String> base() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "ltx-sink");
        props.put("topics", "requests");
        props.put(LtxSinkConfig.API_KEY, KEY);
        props.put(LtxSinkConfig.API_URL, "http://127.0.0.1:9999/api/v1");
        props.put(LtxSinkConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        return props;
    }

    private static Map<String, ConfigValue> validate(Map<String, String> props) {
        Config config = new LtxSinkConnector().validate(props);
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        return byName;
    }

    private static List<String> errors(Map<String, ConfigValue> values) {
        return values.values().stream().flatMap(v -> v.errorMessages().stream()).toList();
    }

    @Test
    void validConfigHasNoErrorsAndTheDefaultsOfTheDesign() {
        Map<String, ConfigValue> values = validate(base());
        assertThat(errors(values)).isEmpty();
        LtxSinkConfig config = new LtxSinkConfig(base());
        assertThat(config.requestType()).isEqualTo("async");
        assertThat(config.provider()).isEqualTo("auto");
        assertThat(config.maxInFlight()).isEqualTo(500);
        assertThat(config.requestDefaults().mode()).isEqualTo("text-to-video");
        assertThat(config.requestDefaults().seed()).isNull();
        assertThat(config.toleratesErrors()).isFalse();
    }

    @Test
    void callbackModeWithoutUrlIsAnErrorOnTheUrlField() {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        Map<String, ConfigValue> values = validate(props);
        assertThat(values.get(LtxSinkConfig.CALLBACK_URL).errorMessages()).singleElement().asString().contains("required");
        assertThat(errors(values)).hasSize(1);

        props.put(LtxSinkConfig.CALLBACK_URL, CALLBACK);
        assertThat(errors(validate(props))).isEmpty();
    }

    @Test
    void callbackUrlIsSecretInValidationAndConfigOutput() {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        props.put(LtxSinkConfig.CALLBACK_URL, "ftp://hooks.example.com/x?token=tok-secret-987");
        Map<String, ConfigValue> values = validate(props);
        assertThat(values.get(LtxSinkConfig.CALLBACK_URL).errorMessages()).isNotEmpty();
        assertThat(values.toString()).doesNotContain("tok-secret-987").doesNotContain(KEY);
        assertThat(LtxSinkConfig.configDef().configKeys().get(LtxSinkConfig.CALLBACK_URL).type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
    }

    @Test
    void badValuesAreReportedOnTheirFields() {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.REQUEST_TYPE, "sync");
        props.put(LtxSinkConfig.PROVIDER, "cheap");
        props.put(LtxSinkConfig.DEFAULT_DURATION, "30");
        props.put(LtxSinkConfig.DEFAULT_RESOLUTION, "4k");
        props.put(LtxSinkConfig.DEFAULT_SEED, "0");
        props.put(LtxSinkConfig.MAX_IN_FLIGHT, "0");
        props.remove(LtxSinkConfig.API_KEY);
        Map<String, ConfigValue> values = validate(props);
        for (String key : List.of(LtxSinkConfig.REQUEST_TYPE, LtxSinkConfig.PROVIDER, LtxSinkConfig.DEFAULT_DURATION,
                LtxSinkConfig.DEFAULT_RESOLUTION, LtxSinkConfig.DEFAULT_SEED, LtxSinkConfig.MAX_IN_FLIGHT, LtxSinkConfig.API_KEY)) {
            assertThat(values.get(key).errorMessages()).as(key).isNotEmpty();
        }
    }

    @Test
    void rateLimitAboveTheApisIsAnError() {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.API_RATE_LIMIT, "20000");
        assertThat(validate(props).get(LtxSinkConfig.API_RATE_LIMIT).errorMessages()).singleElement().asString().contains("10000");
    }

    @Test
    void tasksShareTheCallBudgetAndKnowTheirIndex() {
        LtxSinkConnector connector = new LtxSinkConnector();
        connector.start(base());
        List<Map<String, String>> configs = connector.taskConfigs(4);
        assertThat(configs).hasSize(4);
        for (int i = 0; i < 4; i++) {
            LtxSinkTaskConfig task = new LtxSinkTaskConfig(configs.get(i));
            assertThat(task.taskIndex()).isEqualTo(i);
            assertThat(task.rateShare()).isEqualTo(0.25);
            assertThat(task.apiKey().value()).isEqualTo(KEY);
        }
        connector.stop();
    }

    @Test
    void serviceLoaderManifestNamesTheConnector() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/org.apache.kafka.connect.sink.SinkConnector")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(LtxSinkConnector.class.getName());
        }
    }
}
