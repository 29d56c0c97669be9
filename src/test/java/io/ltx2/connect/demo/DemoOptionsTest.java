package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void withoutFlagsEverythingIsStartedLocally() {
        DemoOptions o = DemoOptions.parse();
        assertThat(o.bootstrap()).isNull();
        assertThat(o.connectUrl()).isNull();
        assertThat(o.usesLocalSimulator()).isTrue();
        assertThat(o.timeScale()).isEqualTo(0.1);
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(o.runDir()).isEqualTo(Path.of("target", "demo"));
    }

    @Test
    void existingClusterFlagsAreTakenAndConnectorBootstrapDefaultsToBootstrap() {
        DemoOptions o = DemoOptions.parse("--bootstrap", "localhost:9094", "--connect-url", "http://localhost:8083",
                "--api-url", "https://simulator:8443/api/v1", "--time-scale", "0.5");
        assertThat(o.bootstrap()).isEqualTo("localhost:9094");
        assertThat(o.connectorBootstrap()).isEqualTo("localhost:9094");
        assertThat(o.connectUrl()).isEqualTo("http://localhost:8083");
        assertThat(o.usesLocalSimulator()).isFalse();
        assertThat(o.timeScale()).isEqualTo(0.5);

        assertThat(DemoOptions.parse("--bootstrap", "localhost:9094", "--connector-bootstrap", "kafka:9092")
                .connectorBootstrap()).isEqualTo("kafka:9092");
    }

    @Test
    void connectUrlWithoutBootstrapIsRefused() {
        assertThatThrownBy(() -> DemoOptions.parse("--connect-url", "http://localhost:8083"))
                .hasMessageContaining("--connect-url needs --bootstrap");
    }

    @Test
    void theRealApiNeedsBillableConfirmation() {
        assertThatThrownBy(() -> DemoOptions.parse("--api-url", "https://api.apixo.ai/api/v1"))
                .hasMessageContaining("--billable");
        assertThat(DemoOptions.parse("--api-url", "https://api.apixo.ai/api/v1", "--billable",
                "--api-key-file", "/etc/kafka-connect/ltx.properties").apiKeyFile())
                .isEqualTo(Path.of("/etc/kafka-connect/ltx.properties"));
    }

    @Test
    void badValuesAndUnknownFlagsAreRefusedWithTheFlagName() {
        assertThatThrownBy(() -> DemoOptions.parse("--time-scale", "-1")).hasMessageContaining("--time-scale");
        assertThatThrownBy(() -> DemoOptions.parse("--api-url", "ftp://x")).hasMessageContaining("--api-url");
        assertThatThrownBy(() -> DemoOptions.parse("--bootstrap")).hasMessageContaining("--bootstrap needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--nope")).hasMessageContaining("unknown option --nope");
    }

    @Test
    void archiveStartsALocalStoreOnlyForAWorkerTheDemoStarts() {
        assertThat(DemoOptions.parse("--archive").archive()).isTrue();
        assertThat(DemoOptions.parse("--callback").archive()).isFalse();
        assertThat(DemoOptions.parse("--archive", "--callback").callback()).isTrue();
        assertThatThrownBy(() -> DemoOptions.parse("--archive", "--bootstrap", "b:9092", "--connect-url", "http://connect:8083"))
                .hasMessageContaining("127.0.0.1");
    }
}
