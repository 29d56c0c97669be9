package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.sink.SinkConnector;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The ready configs in {@code config/}: each .properties and its .json twin say the same; no real key inline. */
class ConfigFilesTest {

    private static final Path CONFIG = Path.of("config");

    @ParameterizedTest
    @ValueSource(strings = {"demo-ltx-sink", "demo-ltx-source", "ltx-sink", "ltx-source"})
    void propertiesAndJsonTwinsHoldTheSameConnectorConfig(String base) {
        Properties props = DemoFiles.readProperties(CONFIG.resolve(base + ".properties"));
        ConnectorConfigFile json = ConnectorConfigFile.read(CONFIG.resolve(base + ".json"));

        Map<String, String> fromProps = new HashMap<>();
        props.forEach((k, v) -> fromProps.put((String) k, (String) v));
        assertThat(json.name()).isEqualTo(fromProps.remove("name"));
        assertThat(json.config()).isEqualTo(fromProps);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ltx-sink", "ltx-source"})
    void realApiConfigsTakeTheKeyFromAConfigProviderAndPointAtTheRealApi(String base) {
        Map<String, String> config = ConnectorConfigFile.read(CONFIG.resolve(base + ".json")).config();
        assertThat(config.get("ltx.api.key")).matches("\\$\\{(file|env):[^}]+}");
        assertThat(config.get("ltx.api.url")).isEqualTo(io.ltx2.connect.api.ContractLimits.DEFAULT_BASE_URL);
    }

    /** Catches a key renamed in the code but not in the configs: every key is Connect's own or the connector's. */
    @ParameterizedTest
    @ValueSource(strings = {"demo-ltx-sink", "demo-ltx-source", "ltx-sink", "ltx-source"})
    void everyKeyIsKnownToConnectOrToTheConnectorClass(String base) throws Exception {
        Map<String, String> config = ConnectorConfigFile.read(CONFIG.resolve(base + ".json")).config();
        Connector connector = (Connector) Class.forName(config.get("connector.class")).getDeclaredConstructor().newInstance();
        Set<String> known = new HashSet<>(connector.config().configKeys().keySet());
        known.addAll((connector instanceof SinkConnector ? SinkConnectorConfig.configDef()
                : SourceConnectorConfig.embedDefaultGroup(SourceConnectorConfig.configDef())).configKeys().keySet());

        assertThat(config.keySet())
                .filteredOn(k -> !k.startsWith("key.converter.") && !k.startsWith("value.converter."))
                .allSatisfy(k -> assertThat(known).as("known keys of " + connector.getClass().getSimpleName()).contains(k));
    }

    /**
     * Issue 26: the ready source config deploys on any worker ("requested": exactly-once where the worker
     * enables it) and on a broker that does not create topics (Connect creates the events topic).
     */
    @ParameterizedTest
    @ValueSource(strings = {"demo-ltx-source", "ltx-source"})
    void sourceConfigsRequestExactlyOnceInsteadOfRequiringIt(String base) {
        Map<String, String> config = ConnectorConfigFile.read(CONFIG.resolve(base + ".json")).config();
        assertThat(config.get(SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG)).isEqualTo("requested");
    }

    @Test
    void readySourceConfigLetsConnectCreateTheEventsTopic() {
        Map<String, String> config = ConnectorConfigFile.read(CONFIG.resolve("ltx-source.json")).config();
        assertThat(SourceConnectorConfig.usesTopicCreation(config)).isTrue();
        org.apache.kafka.common.config.ConfigDef def = SourceConnectorConfig.embedDefaultGroup(SourceConnectorConfig.configDef());
        Map<String, org.apache.kafka.common.config.ConfigValue> values = new HashMap<>();
        def.validate(config).forEach(v -> values.put(v.name(), v));
        assertThat(values.get("topic.creation.default.replication.factor").errorMessages()).isEmpty();
        assertThat(values.get("topic.creation.default.replication.factor").value()).as("the broker's default").isEqualTo((short) -1);
        assertThat(values.get("topic.creation.default.partitions").errorMessages()).isEmpty();
        assertThat((Integer) values.get("topic.creation.default.partitions").value()).isPositive();
    }

    @Test
    void workerExamplesEnableTheFileAndEnvConfigProviders() {
        for (String worker : new String[] {"worker-distributed.properties", "worker-standalone.properties"}) {
            Properties props = DemoFiles.readProperties(CONFIG.resolve(worker));
            assertThat(props.getProperty("config.providers")).as(worker).isEqualTo("file,env");
            assertThat(props.getProperty("config.providers.file.class"))
                    .isEqualTo(org.apache.kafka.common.config.provider.FileConfigProvider.class.getName());
            assertThat(props.getProperty("config.providers.env.class"))
                    .isEqualTo(org.apache.kafka.common.config.provider.EnvVarConfigProvider.class.getName());
            assertThat(props.getProperty("plugin.discovery")).isEqualTo("service_load");
        }
    }
}
