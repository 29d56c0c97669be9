package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LtxConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(LtxConfig.API_KEY, "sk-secret-123");
        props.put(LtxConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        return props;
    }

    @Test
    void defaultsFollowTheDesign() {
        LtxConfig config = new LtxConfig(LtxConfig.baseConfigDef(), minimal());
        assertThat(config.apiUrl().toString()).isEqualTo("https://api.apixo.ai/api/v1");
        assertThat(config.model()).isEqualTo("ltx-2-19b");
        assertThat(config.trackingTopic()).isEqualTo("ltx.tasks");
        assertThat(config.apiKey().value()).isEqualTo("sk-secret-123");
        assertThat(config.rateLimitPerMinute()).isLessThan(10_000);
    }

    @Test
    void theDefaultAdoptionWaitOutlastsTheVendorsWebhookRetriesAfterTheLongestGeneration() {
        Map<String, String> props = minimal();
        props.put("topics", "requests");
        // the last retry is due 10 min after the first attempt; the three delays summed are the safe side
        java.time.Duration retries = java.time.Duration.ofSeconds(30).plusMinutes(2).plusMinutes(10);
        java.time.Duration longestGeneration = java.time.Duration.ofSeconds(120 + 20); // 1080p, plus LoRA loading
        assertThat(new LtxSinkConfig(props).adoptionTimeout()).isGreaterThan(retries.plus(longestGeneration));
    }

    @Test
    void trailingSlashOfTheUrlIsDropped() {
        Map<String, String> props = minimal();
        props.put(LtxConfig.API_URL, "http://127.0.0.1:8089/api/v1/");
        assertThat(new LtxConfig(LtxConfig.baseConfigDef(), props).apiUrl().toString()).isEqualTo("http://127.0.0.1:8089/api/v1");
    }

    @Test
    void trackingOverridesArePassedToTheClientsWithoutThePrefix() {
        Map<String, String> props = minimal();
        props.put("ltx.tracking.security.protocol", "SASL_SSL");
        props.put("ltx.tracking.sasl.mechanism", "PLAIN");
        props.put("ltx.tracking.ssl.truststore.location", "/etc/ts.jks");
        Map<String, Object> client = new LtxConfig(LtxConfig.baseConfigDef(), props).trackingClientProps();
        assertThat(client).containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/ts.jks")
                .doesNotContainKey("topic");
    }

    @Test
    void missingKeyAndBadValuesFailWithTheFieldNamed() {
        Map<String, String> props = minimal();
        props.remove(LtxConfig.API_KEY);
        assertThatThrownBy(() -> new LtxConfig(LtxConfig.baseConfigDef(), props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(LtxConfig.API_KEY);

        Map<String, String> bad = minimal();
        bad.put(LtxConfig.API_URL, "ftp://x");
        bad.put(LtxConfig.API_RATE_LIMIT, "-5");
        bad.put(LtxConfig.TRACKING_BOOTSTRAP_SERVERS, "");
        Map<String, ConfigValue> results = new HashMap<>();
        LtxConfig.baseConfigDef().validate(bad).forEach(v -> results.put(v.name(), v));
        assertThat(results.get(LtxConfig.API_URL).errorMessages()).anySatisfy(m -> assertThat(m).contains("http"));
        assertThat(results.get(LtxConfig.API_RATE_LIMIT).errorMessages()).isNotEmpty();
        assertThat(results.get(LtxConfig.TRACKING_BOOTSTRAP_SERVERS).errorMessages()).isNotEmpty();
        assertThat(results.get(LtxConfig.API_KEY).errorMessages()).isEmpty();
    }

    @Test
    void blankKeyIsRejectedWithoutEchoingIt() {
        Map<String, String> props = minimal();
        props.put(LtxConfig.API_KEY, "   ");
        List<String> errors = LtxConfig.baseConfigDef().validate(props).stream()
                .filter(v -> v.name().equals(LtxConfig.API_KEY)).findFirst().orElseThrow().errorMessages();
        assertThat(errors).singleElement().satisfies(m -> assertThat(m).contains("must be set"));
    }

    @Test
    void keyNeverShowsInToStringOrValues() {
        LtxConfig config = new LtxConfig(LtxConfig.baseConfigDef(), minimal());
        assertThat(config.apiKey().toString()).doesNotContain("sk-secret-123");
        assertThat(config.values().toString()).doesNotContain("sk-secret-123");
    }
}
