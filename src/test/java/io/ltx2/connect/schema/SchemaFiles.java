package io.ltx2.connect.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.ltx2.connect.source.TerminalEvent;
import io.ltx2.connect.util.Json;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schema files of {@code schemas/} and what they are checked against: the event's Connect
 * schema at each version, Connect's Avro mapping (Apicurio's {@link AvroData}, a port of
 * Confluent's, whose own is not on Maven Central), Connect's JSON converter as the connectors'
 * ready configs set it, and a JSON Schema validator.
 */
public final class SchemaFiles {
    public static final Path DIR = Path.of("schemas");

    /**
     * The fields each version of {@link TerminalEvent#SCHEMA} added (read from its git history):
     * version N is the current schema's fields of versions 1 to N, in the current order.
     */
    public static final Map<Integer, List<String>> EVENT_FIELDS_ADDED = history();

    private SchemaFiles() {
    }

    private static Map<Integer, List<String>> history() {
        Map<Integer, List<String>> h = new LinkedHashMap<>();
        h.put(1, List.of("requestId", "taskId", "state", "resultUrls", "failCode", "failMsg", "createTime", "completeTime", "costTime",
                "submitTime", "detectTime", "sourceTopic", "sourcePartition", "sourceOffset", "input"));
        h.put(2, List.of("attempt", "earlierAttempts", "adopted"));
        h.put(3, List.of("archivedUrls", "archivedHttpsUrls", "archiveFailure"));
        h.put(4, List.of("otherTaskIds", "httpStatus", "failDetail"));
        return h;
    }

    /** The event's Connect schema at {@code version}: the current fields that version had. */
    public static Schema eventSchema(int version) {
        Set<String> fields = new HashSet<>();
        for (int v = 1; v <= version; v++) {
            fields.addAll(EVENT_FIELDS_ADDED.get(v));
        }
        SchemaBuilder b = SchemaBuilder.struct().name(TerminalEvent.SCHEMA_NAME).version(version).doc(TerminalEvent.SCHEMA.doc());
        for (Field f : TerminalEvent.SCHEMA.fields()) {
            if (fields.contains(f.name())) {
                b.field(f.name(), f.schema());
            }
        }
        return b.build();
    }

    public static Path eventAvro(int version) {
        return DIR.resolve("terminal-event-v" + version + ".avsc");
    }

    public static Path eventJsonSchema(int version) {
        return DIR.resolve("terminal-event-v" + version + ".schema.json");
    }

    public static final Path REQUEST_AVRO = DIR.resolve("generation-request-v1.avsc");
    public static final Path REQUEST_JSON_SCHEMA = DIR.resolve("generation-request-v1.schema.json");

    public static org.apache.avro.Schema avro(Path file) {
        try {
            return new org.apache.avro.Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Connect-to-Avro mapping of the Connect converters (with Connect's metadata: name, version, docs). */
    public static AvroData avroData() {
        return new AvroData(100);
    }

    /** The JSON Schema validator's errors for {@code json} against the JSON Schema file {@code schema}. */
    public static List<Error> validate(Path schema, String json) {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(Files.readString(schema), InputFormat.JSON)
                    .validate(json, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connect's JSON converter as the ready configs set it for values (schemas.enable=false). */
    public static JsonConverter schemalessJson() {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), false);
        return c;
    }
}
