package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.schema.SchemaFiles;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.source.TerminalEvent;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.ltx2.connect.schema.SchemaFiles.validate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events a real pipeline emits (embedded broker and workers, the simulator behind the API) match
 * the schema files: every event of every kind validates against the current and the first version's
 * JSON Schema and carries exactly the current version's fields; the requests written validate against
 * the request's JSON Schema. The files themselves are checked against the Connect schemas by the unit
 * tests of {@code io.ltx2.connect.schema}.
 */
class EventSchemaIT extends PipelineFaultsFixture {
    private static final Path EVENT_V1 = SchemaFiles.eventJsonSchema(1);
    private static final Path EVENT_CURRENT = SchemaFiles.eventJsonSchema(TerminalEvent.SCHEMA_VERSION);
    private static final Path REQUEST = SchemaFiles.REQUEST_JSON_SCHEMA;

    EventSchemaIT() {
        super("event-schema", Duration.ofSeconds(90), Duration.ofSeconds(2));
    }

    @Test
    void everyKindOfEventTheConnectorsEmitMatchesTheJsonSchema() throws Exception {
        Pipeline p = pipeline("schema").start();
        List<String> keys = List.of("ok", "lora", "violation", "refused", "invalid");
        List<String> values = List.of(
                "{\"prompt\":\"A lighthouse at dusk\",\"resolution\":\"480p\",\"duration\":5}",
                "{\"request_id\":\"lora-7\",\"mode\":\"text-to-video-LoRA\",\"prompt\":\"A heron\",\"loras\":[{\"path\":\"https://h.test/l\","
                        + "\"scale\":0.8}],\"seed\":99}",
                "{\"prompt\":\"Something " + ApiSimulator.VIOLATION_MARKER + "\"}",
                "{\"prompt\":\"Refused " + ApiSimulator.BAD_REQUEST_MARKER + "\"}",
                "{\"prompt\":\"Too long\",\"duration\":30}");
        for (String value : values) {
            assertThat(validate(REQUEST, value)).as("the request %s fits its JSON Schema", value).isEmpty();
        }
        String wrongType = "{\"prompt\":\"A wrong type\",\"duration\":\"ten\"}";
        assertThat(validate(REQUEST, wrongType)).as("what the sink cannot read, the request's JSON Schema refuses").isNotEmpty();
        List<String> records = new ArrayList<>(p.produce(keys, values));
        records.addAll(p.produce(List.of("wrong-type"), List.of(wrongType)));

        PipelineLedger ledger = settle(p, "events against the JSON Schema", records).assertExactlyOneEventPerRequest();
        assertThat(ledger.byState.keySet()).as("every kind of event").containsExactlyInAnyOrder("success", "failed", "rejected");
        assertThat(ledger.lastEventByRequest.values()).anySatisfy(e -> assertThat(e.path("httpStatus").asInt()).isEqualTo(400));

        Set<String> currentFields = new TreeSet<>();
        Json.MAPPER.readTree(Files.readString(EVENT_CURRENT)).path("properties").fieldNames().forEachRemaining(currentFields::add);
        for (JsonNode event : ledger.lastEventByRequest.values()) {
            String json = event.toString();
            assertThat(validate(EVENT_CURRENT, json)).as("current version: %s", json).isEmpty();
            assertThat(validate(EVENT_V1, json)).as("a reader of version 1: %s", json).isEmpty();
            Set<String> fields = new TreeSet<>();
            event.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("the event carries the current version's fields, no other").isEqualTo(currentFields);
        }
        p.deleteConnectors();
    }
}
