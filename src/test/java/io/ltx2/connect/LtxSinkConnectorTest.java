package io.ltx2.connect;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/ltx/cb?token=tok-secret-987", "HTTP://10.0.0.5:8099/callback/tok-secret-987",
            "http://source-connect:8099/callback/tok-secret-987", "http://127.0.0.1.example.com/callback/tok-secret-987"})
    void clearTextCallbackUrlToAnyHostButTheLoopbackIsAnErrorOnItsFieldThatNeverRepeatsIt(String url) {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        props.put(LtxSinkConfig.CALLBACK_URL, url);
        Map<String, ConfigValue> values = validate(props);
        assertThat(values.get(LtxSinkConfig.CALLBACK_URL).errorMessages()).singleElement().asString()
                .contains(LtxSinkConfig.CALLBACK_URL).contains("https://");
        assertThat(errors(values)).hasSize(1);
        assertThat(values.toString()).doesNotContain("tok-secret-987").doesNotContain(url.substring(7, 20));
        assertThatThrownBy(() -> new LtxSinkConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://").message().doesNotContain("tok-secret-987");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8099/callback/tok-secret-987", "http://[::1]:8099/callback/tok-secret-987",
            "http://localhost:8099/callback/tok-secret-987", CALLBACK})
    void callbackUrlOverHttpsOrToTheLoopbackIsValid(String url) {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        props.put(LtxSinkConfig.CALLBACK_URL, url);
        assertThat(errors(validate(props))).isEmpty();
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
            assertThat(task.placement().index()).isEqualTo(i);
            assertThat(task.placement().share()).isEqualTo(0.25);
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

    @Test
    void spendCapTooSmallForOneLongRequestPerTaskIsAnErrorOnThatCap() {
        Map<String, String> props = base();
        props.put("tasks.max", "3");
        props.put(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "50");
        props.put(LtxSinkConfig.BUDGET_SECONDS_PER_DAY, "60");
        Map<String, ConfigValue> values = validate(props);
        assertThat(values.get(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR).errorMessages()).singleElement().asString()
                .contains("tasks.max=3").contains("at least 60");
        assertThat(values.get(LtxSinkConfig.BUDGET_SECONDS_PER_DAY).errorMessages()).isEmpty();

        props.put(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "600");
        assertThat(validate(props).get(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR).errorMessages()).singleElement().asString()
                .contains("more than " + LtxSinkConfig.BUDGET_SECONDS_PER_DAY);

        props.put(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "60");
        assertThat(errors(validate(props))).isEmpty();
        props.put(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "-1");
        assertThat(validate(props).get(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR).errorMessages()).isNotEmpty();
    }

    @Test
    void quotaShareOutOfRangeIsAnError() {
        Map<String, String> props = base();
        props.put(LtxSinkConfig.QUOTA_SHARE, "1.5");
        assertThat(validate(props).get(LtxSinkConfig.QUOTA_SHARE).errorMessages()).isNotEmpty();
        props.put(LtxSinkConfig.QUOTA_SHARE, "0");
        assertThat(validate(props).get(LtxSinkConfig.QUOTA_SHARE).errorMessages()).isNotEmpty();
    }

    @Test
    void tasksGetTheirIndexCountAndEqualShareOfTheCallBudget() {
        LtxSinkConnector connector = new LtxSinkConnector();
        Map<String, String> props = base();
        props.put(LtxSinkConfig.QUOTA_SHARE, "0.25");
        connector.start(props);
        List<Map<String, String>> tasks = connector.taskConfigs(4);
        assertThat(tasks).hasSize(4);
        LtxSinkTaskConfig last = new LtxSinkTaskConfig(tasks.get(3));
        assertThat(last.placement().index()).isEqualTo(3);
        assertThat(last.placement().count()).isEqualTo(4);
        // min(ltx.api.rate.limit.per.minute 4,500, 0.25 x 10,000) = 2,500 for the connector, 625 per task.
        assertThat(last.connectorCallsPerMinute() * last.placement().share()).isEqualTo(625.0);
        assertThat(last.connectorMaxConcurrentTasks()).isEqualTo(250);
    }
}
