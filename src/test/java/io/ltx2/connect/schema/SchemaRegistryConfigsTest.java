package io.ltx2.connect.schema;

import io.apicurio.registry.serde.SerdeConfig;
import io.ltx2.connect.demo.ConnectorConfigFile;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ready configs for schema registries ({@code config/schema-registry/}): each is the ready
 * {@code config/ltx-sink.json} or {@code ltx-source.json} with only the value converter replaced, and
 * the converter neither registers schemas nor derives its own: it uses the newest version registered
 * from {@code schemas/}. Confluent's converters are not on Maven Central, so only the files are
 * checked for them; Apicurio's converter is configured with its file here.
 */
class SchemaRegistryConfigsTest {
    private static final Path DIR = Path.of("config", "schema-registry");

    @ParameterizedTest
    @ValueSource(strings = {"ltx-sink-avro", "ltx-sink-json-schema", "ltx-sink-avro-apicurio", "ltx-source-avro", "ltx-source-json-schema",
            "ltx-source-avro-apicurio"})
    void eachIsTheReadyConfigWithOnlyItsValueConverterReplaced(String file) {
        ConnectorConfigFile config = ConnectorConfigFile.read(DIR.resolve(file + ".json"));
        ConnectorConfigFile ready = ConnectorConfigFile.read(Path.of("config", file.substring(0, file.indexOf('-', 4)) + ".json"));
        assertThat(config.name()).isEqualTo(ready.name());
        assertThat(withoutValueConverter(config.config())).isEqualTo(withoutValueConverter(ready.config()));
        assertThat(config.config().get("value.converter")).isNotEqualTo(ready.config().get("value.converter"));
    }

    private static Map<String, String> withoutValueConverter(Map<String, String> config) {
        Map<String, String> rest = new HashMap<>(config);
        rest.keySet().removeIf(k -> k.equals("value.converter") || k.startsWith("value.converter."));
        return rest;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ltx-sink-avro", "ltx-sink-json-schema", "ltx-source-avro", "ltx-source-json-schema"})
    void confluentConvertersUseTheRegisteredSchemaAndRegisterNone(String file) {
        Map<String, String> config = ConnectorConfigFile.read(DIR.resolve(file + ".json")).config();
        assertThat(config.get("value.converter")).isEqualTo(file.endsWith("-avro") ? "io.confluent.connect.avro.AvroConverter"
                : "io.confluent.connect.json.JsonSchemaConverter");
        assertThat(config).containsEntry("value.converter.auto.register.schemas", "false")
                .containsEntry("value.converter.use.latest.version", "true")
                .containsKey("value.converter.schema.registry.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ltx-sink-avro-apicurio", "ltx-source-avro-apicurio"})
    void apicuriosConverterTakesItsConfigAndRegistersNothing(String file) throws Exception {
        Map<String, String> config = ConnectorConfigFile.read(DIR.resolve(file + ".json")).config();
        assertThat(config).containsEntry("value.converter.apicurio.registry.auto-register", "false")
                .containsEntry("value.converter.apicurio.registry.find-latest", "true");
        Map<String, Object> converterProps = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith("value.converter.")) {
                converterProps.put(k.substring("value.converter.".length()), v);
            }
        });
        assertThat(converterProps.keySet()).as("keys the Apicurio serdes know").isSubsetOf(serdeConfigKeys());

        try (Converter converter = (Converter) Class.forName(config.get("value.converter")).getDeclaredConstructor().newInstance()) {
            converter.configure(converterProps, false);
        }
    }

    private static Set<String> serdeConfigKeys() throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Field f : SerdeConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().endsWith("_DEFAULT")) {
                keys.add((String) f.get(null));
            }
        }
        return keys;
    }
}
