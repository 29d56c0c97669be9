package io.ltx2.connect.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.source.TerminalEvent;
import io.ltx2.connect.util.Json;
import org.apache.avro.SchemaCompatibility;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.ltx2.connect.schema.SchemaFiles.avro;
import static io.ltx2.connect.schema.SchemaFiles.eventAvro;
import static io.ltx2.connect.schema.SchemaFiles.eventJsonSchema;
import static io.ltx2.connect.schema.SchemaFiles.eventSchema;
import static io.ltx2.connect.schema.SchemaFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event's schema files ({@code schemas/terminal-event-v<N>.avsc} and {@code .schema.json}): each is
 * the connector's Connect schema at that version, and the versions evolve only by adding optional
 * fields, so every pair is backward and forward compatible (docs/source-connector.md, "Schema files").
 */
class EventSchemaFilesTest {

    static IntStream versions() {
        return IntStream.rangeClosed(1, TerminalEvent.SCHEMA_VERSION);
    }

    @Test
    void historyEndsAtTheCurrentSchemaAndEveryVersionHasItsFiles() {
        assertThat(SchemaFiles.EVENT_FIELDS_ADDED.keySet()).as("a version added to TerminalEvent needs its entry and files")
                .containsExactlyElementsOf(versions().boxed().toList());
        assertThat(eventSchema(TerminalEvent.SCHEMA_VERSION)).as("the newest version is the connector's schema").isEqualTo(TerminalEvent.SCHEMA);
        versions().forEach(v -> assertThat(eventAvro(v)).exists());
        versions().forEach(v -> assertThat(eventJsonSchema(v)).exists());
        assertThat(eventAvro(TerminalEvent.SCHEMA_VERSION + 1)).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void avroFileIsConnectsAvroMappingOfThatVersion(int version) throws Exception {
        String derived = SchemaFiles.avroData().fromConnectSchema(eventSchema(version)).toString();
        assertThat(json(eventAvro(version))).as("what the Avro converters derive, connect.name and connect.version included")
                .isEqualTo(Json.MAPPER.readTree(derived));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void jsonSchemaFileHasTheConnectSchemasFieldsTypesAndOptionality(int version) {
        JsonNode file = json(eventJsonSchema(version));
        Schema connect = eventSchema(version);
        List<String> properties = new ArrayList<>();
        file.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsExactlyElementsOf(connect.fields().stream().map(Field::name).toList());
        for (Field f : connect.fields()) {
            JsonNode p = file.path("properties").path(f.name());
            assertThat(p.path("type")).as(f.name()).isEqualTo(jsonType(f.schema()));
            if (f.schema().type() == Schema.Type.ARRAY) {
                assertThat(p.path("items").path("type")).as(f.name() + " items").isEqualTo(jsonType(f.schema().valueSchema()));
            }
        }
        List<String> required = new ArrayList<>();
        file.path("required").forEach(n -> required.add(n.asText()));
        assertThat(required).as("the fields that are not optional")
                .containsExactlyElementsOf(connect.fields().stream().filter(f -> !f.schema().isOptional()).map(Field::name).toList());
        assertThat(file.path("additionalProperties").asBoolean(false)).as("a reader of this version accepts later events").isTrue();
    }

    /** JsonConverter writes int32 and int64 as JSON integers; an optional field may be null. */
    private static JsonNode jsonType(Schema s) {
        String t = switch (s.type()) {
            case STRING -> "string";
            case INT32, INT64 -> "integer";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            default -> throw new AssertionError("no JSON Schema mapping for " + s.type());
        };
        return s.isOptional() ? Json.MAPPER.createArrayNode().add(t).add("null") : Json.MAPPER.getNodeFactory().textNode(t);
    }

    @Test
    void everyPairOfVersionsIsBackwardAndForwardCompatible() {
        int n = TerminalEvent.SCHEMA_VERSION;
        for (int older = 1; older <= n; older++) {
            for (int newer = older + 1; newer <= n; newer++) {
                org.apache.avro.Schema o = avro(eventAvro(older));
                org.apache.avro.Schema w = avro(eventAvro(newer));
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(w, o).getType()).as("v%d reads v%d (backward)", newer, older)
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(o, w).getType()).as("v%d reads v%d (forward)", older, newer)
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    /** The evolution rule: a version keeps every field of the one before, unchanged and in place, and adds only optional ones. */
    @Test
    void eachVersionOnlyAddsOptionalFieldsAndRenamesNothing() {
        for (int v = 2; v <= TerminalEvent.SCHEMA_VERSION; v++) {
            List<org.apache.avro.Schema.Field> before = avro(eventAvro(v - 1)).getFields();
            List<org.apache.avro.Schema.Field> after = avro(eventAvro(v)).getFields();
            assertThat(after.subList(0, before.size())).as("v%d keeps v%d's fields", v, v - 1).isEqualTo(before);
            for (org.apache.avro.Schema.Field added : after.subList(before.size(), after.size())) {
                assertThat(added.schema().isNullable()).as("v%d's %s may be null", v, added.name()).isTrue();
                assertThat(added.schema().getTypes().get(0).getType()).as(added.name()).isEqualTo(org.apache.avro.Schema.Type.NULL);
                assertThat(added.hasDefaultValue() && added.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE)
                        .as("v%d's %s defaults to null", v, added.name()).isTrue();
            }

            JsonNode jsonBefore = json(eventJsonSchema(v - 1));
            JsonNode jsonAfter = json(eventJsonSchema(v));
            assertThat(jsonAfter.path("required")).as("v%d requires what v%d did", v, v - 1).isEqualTo(jsonBefore.path("required"));
            Set<String> seen = new HashSet<>();
            jsonBefore.path("properties").fields().forEachRemaining(e -> {
                seen.add(e.getKey());
                assertThat(jsonAfter.path("properties").path(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            });
            int version = v;
            jsonAfter.path("properties").fields().forEachRemaining(e -> {
                if (!seen.contains(e.getKey())) {
                    assertThat(e.getValue().path("type").toString()).as("v%d's %s may be null", version, e.getKey()).contains("\"null\"");
                }
            });
        }
    }

    @Test
    void theValidatorRefusesEventsThatBreakTheSchema() throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(SampleEvents.json(SampleEvents.success()));
        assertThat(SchemaFiles.validate(eventJsonSchema(1), event.toString())).isEmpty();
        ObjectNode noId = event.deepCopy();
        noId.remove("requestId");
        assertThat(SchemaFiles.validate(eventJsonSchema(1), noId.toString())).as("a required field missing").isNotEmpty();
        ObjectNode wrongType = event.deepCopy();
        wrongType.put("detectTime", "soon");
        assertThat(SchemaFiles.validate(eventJsonSchema(TerminalEvent.SCHEMA_VERSION), wrongType.toString())).as("a wrong type").isNotEmpty();
    }
}
