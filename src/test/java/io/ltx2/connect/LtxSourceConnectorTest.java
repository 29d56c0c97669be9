package io.ltx2.connect;

import io.ltx2.connect.archive.ArchiveSettings;
import io.ltx2.connect.config.ArchiveConfig;
import io.ltx2.connect.config.CallbackConfig;
import io.ltx2.connect.config.LtxSourceConfig;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LtxSourceConnectorTest {
    private final LtxSourceConnector connector = new LtxSourceConnector();

    private static Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("ltx.api.key", "secret-key-value");
        c.put("ltx.tracking.bootstrap.servers", "127.0.0.1:9092");
        c.put("ltx.tracking.topic", "tasks");
        return c;
    }

    private static Map<Map<String, ?>, Map<String, ?>> one(Map<String, ?> partition, Map<String, ?> offset) {
        Map<Map<String, ?>, Map<String, ?>> m = new HashMap<>();
        m.put(partition, offset);
        return m;
    }

    @Test
    void alterOffsetsAcceptsWhatTheTaskWritesAWatermarkAloneAndReset() {
        assertThat(connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 0),
                Map.of("v", 1, "watermark", 12L, "resolved", "r:1+2")))).isTrue();
        assertThat(connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 0),
                Map.of("v", 1, "watermark", 12L, "resolved", "", "topicId", "x6bmAhPxQ1yJUiZuUf0ksA")))).isTrue();
        assertThat(connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 3L), Map.of("watermark", 0)))).isTrue();
        assertThat(connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 1), null))).isTrue();
    }

    @Test
    void alterOffsetsRefusesBadShapesWithAClearMessage() {
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks"), Map.of("watermark", 1))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("exactly the keys 'topic'");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "other", "partition", 0), Map.of("watermark", 1))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("must be the tracking topic 'tasks'");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", "0"), Map.of("watermark", 1))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'partition' must be an integer");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", -1), Map.of("watermark", 1))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'partition' must be an integer >= 0");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 0), Map.of("offset", 1))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("unknown offset key 'offset'");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 0), Map.of("watermark", "x"))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'watermark' must be an integer");
        assertThatThrownBy(() -> connector.alterOffsets(config(), one(Map.of("topic", "tasks", "partition", 0),
                Map.of("watermark", 0L, "resolved", "r:0+2147483647"))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("at most 16777216 offsets");
    }

    @Test
    void exactlyOnceIsSupported() {
        assertThat(connector.exactlyOnceSupport(config())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void validateReportsCrossFieldErrorsOnTheField() {
        Map<String, String> c = config();
        c.put(CallbackConfig.ENABLED, "true");
        assertThat(errors(c, CallbackConfig.TOKEN)).anyMatch(m -> m.contains("is required"));
        c.put(CallbackConfig.TOKEN, "short");
        assertThat(errors(c, CallbackConfig.TOKEN)).anyMatch(m -> m.contains("at least 16"));
        c.put(CallbackConfig.TOKEN, "a-long-enough-token-0123");
        assertThat(errors(c, CallbackConfig.TOKEN)).isEmpty();
        c.put(LtxSourceConfig.EVENTS_TOPIC, "tasks");
        assertThat(errors(c, LtxSourceConfig.EVENTS_TOPIC)).anyMatch(m -> m.contains("must differ"));
        c.put(LtxSourceConfig.POLL_SCHEDULE, "sometimes");
        assertThat(errors(c, LtxSourceConfig.POLL_SCHEDULE)).isNotEmpty();
    }

    @Test
    void validateChecksTheArchiveKeysOnTheirFieldsWithoutEchoingSecrets() {
        Map<String, String> c = config();
        assertThat(errors(c, ArchiveConfig.BUCKET)).as("off by default: no bucket needed").isEmpty();
        c.put(ArchiveConfig.ENABLED, "true");
        assertThat(errors(c, ArchiveConfig.BUCKET)).anyMatch(m -> m.contains("is required"));
        c.put(ArchiveConfig.BUCKET, "videos");
        assertThat(errors(c, ArchiveConfig.BUCKET)).isEmpty();
        c.put(ArchiveConfig.ACCESS_KEY_ID, "AKIA-only-the-id");
        assertThat(errors(c, ArchiveConfig.SECRET_ACCESS_KEY)).anyMatch(m -> m.contains("or neither"));
        c.put(ArchiveConfig.SECRET_ACCESS_KEY, "the-secret-0123");
        assertThat(errors(c, ArchiveConfig.SECRET_ACCESS_KEY)).isEmpty();
        c.put(ArchiveConfig.KEY_TEMPLATE, "{prefix}{requestId}.{ext}");
        assertThat(errors(c, ArchiveConfig.KEY_TEMPLATE)).anyMatch(m -> m.contains("{taskId}"));
        c.put(ArchiveConfig.FAILURE_POLICY, "retry-forever");
        assertThat(errors(c, ArchiveConfig.FAILURE_POLICY)).isNotEmpty();
        c.put(ArchiveConfig.ENDPOINT, "minio:9000");
        assertThat(errors(c, ArchiveConfig.ENDPOINT)).isNotEmpty();
        c.put(ArchiveConfig.PART_SIZE, "1024");
        assertThat(errors(c, ArchiveConfig.PART_SIZE)).isNotEmpty();
        assertThat(connector.validate(c).configValues().toString()).doesNotContain("the-secret-0123").doesNotContain("AKIA-only-the-id");
    }

    @Test
    void archiveSettingsAreTypedAndNameNoSecret() {
        Map<String, String> c = config();
        c.put(ArchiveConfig.ENABLED, "true");
        c.put(ArchiveConfig.BUCKET, "videos");
        c.put(ArchiveConfig.ENDPOINT, "http://127.0.0.1:9000");
        c.put(ArchiveConfig.ACCESS_KEY_ID, "AKIA-id-0123");
        c.put(ArchiveConfig.SECRET_ACCESS_KEY, "the-secret-0123");
        c.put(ArchiveConfig.FAILURE_POLICY, "FAIL");
        ArchiveSettings s = ArchiveConfig.settings(new LtxSourceConfig(c));
        assertThat(s.failurePolicy()).isEqualTo(ArchiveSettings.FailurePolicy.FAIL);
        assertThat(s.partSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(s.maxWait()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(s.endpoint()).hasValue(java.net.URI.create("http://127.0.0.1:9000"));
        assertThat(s.staticCredentials()).isTrue();
        assertThat(s.toString()).contains("videos").contains("static keys").doesNotContain("the-secret-0123").doesNotContain("AKIA-id-0123");
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(connector.version()).isNotBlank().doesNotContain("${").isNotEqualTo("unknown");
    }

    private java.util.List<String> errors(Map<String, String> c, String key) {
        return connector.validate(c).configValues().stream().filter(v -> v.name().equals(key)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }
}
