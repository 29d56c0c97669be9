package io.ltx2.connect.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.config.RequestDefaults;
import io.ltx2.connect.sink.PropagatedHeaders;
import io.ltx2.connect.sink.RequestParser;
import io.ltx2.connect.sink.SinkRequest;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ltx2.connect.schema.SchemaFiles.REQUEST_AVRO;
import static io.ltx2.connect.schema.SchemaFiles.REQUEST_JSON_SCHEMA;
import static io.ltx2.connect.schema.SchemaFiles.avro;
import static io.ltx2.connect.schema.SchemaFiles.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request's schema files ({@code schemas/generation-request-v1.*}): they name exactly the fields
 * docs/sink-connector.md lists, a record written with the Avro file reaches the sink as the request
 * it says (through Connect's Avro mapping and the sink's {@link RequestParser}), and the JSON Schema
 * accepts what the sink accepts and refuses what it cannot read.
 */
class RequestSchemaFilesTest {
    private static final RequestDefaults DEFAULTS = new RequestDefaults("text-to-video", "720p", 10, "16:9", null, "auto");

    /** The field names of the "Request records" table of docs/sink-connector.md. */
    private static List<String> documentedFields() throws Exception {
        String doc = Files.readString(Path.of("docs", "sink-connector.md"));
        String section = doc.substring(doc.indexOf("## Request records"), doc.indexOf("## What it writes to the tracking topic"));
        List<String> fields = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(section);
        while (m.find()) {
            fields.add(m.group(1));
        }
        return fields;
    }

    @Test
    void bothFilesNameTheDocumentedFieldsAndRequireOnlyThePrompt() throws Exception {
        List<String> documented = documentedFields();
        assertThat(documented).hasSizeGreaterThan(5);
        org.apache.avro.Schema avro = avro(REQUEST_AVRO);
        assertThat(avro.getFields()).extracting(org.apache.avro.Schema.Field::name).containsExactlyInAnyOrderElementsOf(documented);
        assertThat(avro.getFields()).filteredOn(f -> !f.schema().isNullable()).extracting(org.apache.avro.Schema.Field::name)
                .containsExactly("prompt");

        JsonNode jsonSchema = json(REQUEST_JSON_SCHEMA);
        List<String> properties = new ArrayList<>();
        jsonSchema.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsExactlyElementsOf(avro.getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
        assertThat(jsonSchema.path("required").toString()).isEqualTo("[\"prompt\"]");
    }

    @Test
    void aRecordWrittenWithTheAvroFileReachesTheSinkAsTheRequestItSays() {
        org.apache.avro.Schema schema = avro(REQUEST_AVRO);
        GenericRecord lora = new GenericData.Record(schema.getField("loras").schema().getTypes().get(1).getElementType());
        lora.put("path", "https://h.test/style.safetensors");
        lora.put("scale", 0.7);
        GenericRecord request = new GenericData.Record(schema);
        request.put("request_id", "order-9");
        request.put("mode", "image-to-video-LoRA");
        request.put("prompt", "A heron takes off");
        request.put("resolution", "1080p");
        request.put("duration", 8);
        request.put("image_urls", List.of("https://img.test/heron.png"));
        request.put("seed", 12345L);
        request.put("loras", List.of(lora));
        request.put("provider", "official");
        assertThat(GenericData.get().validate(schema, request)).isTrue();

        SchemaAndValue connect = SchemaFiles.avroData().toConnectData(schema, request);
        SinkRequest parsed = new RequestParser("ltx-sink", DEFAULTS, new PropagatedHeaders(List.of(), null))
                .parse(new SinkRecord("ltx.requests", 0, null, null, connect.schema(), connect.value(), 3L));

        assertThat(parsed.requestId()).isEqualTo("order-9");
        assertThat(parsed.provider()).isEqualTo("official");
        assertThat(parsed.input()).isEqualTo(new GenerationInput("image-to-video-LoRA", "A heron takes off", "1080p", 8, null,
                List.of("https://img.test/heron.png"), 12345L, List.of(new Lora("https://h.test/style.safetensors", 0.7))));
        assertThat(parsed.problems()).as("a valid request").isEmpty();
    }

    @Test
    void aRecordWithOnlyThePromptTakesTheConnectorsDefaults() {
        org.apache.avro.Schema schema = avro(REQUEST_AVRO);
        GenericRecord request = new GenericData.Record(schema);
        request.put("prompt", "Rain on a window");
        SchemaAndValue connect = SchemaFiles.avroData().toConnectData(schema, request);
        SinkRequest parsed = new RequestParser("ltx-sink", DEFAULTS, new PropagatedHeaders(List.of(), null))
                .parse(new SinkRecord("ltx.requests", 0, null, "key-1", connect.schema(), connect.value(), 4L));
        assertThat(parsed.requestId()).isEqualTo("key-1");
        assertThat(parsed.input()).isEqualTo(new GenerationInput("text-to-video", "Rain on a window", "720p", 10, "16:9", null, null, null));
    }

    @Test
    void theJsonSchemaAcceptsWhatTheSinkReadsAndRefusesWhatItCannot() {
        List<String> accepted = List.of(
                "{\"prompt\":\"A fox\"}",
                "{\"request_id\":42,\"prompt\":\"A fox\",\"duration\":8.0,\"seed\":7,\"unknown\":\"ignored\"}",
                "{\"prompt\":\"l\",\"mode\":\"text-to-video-LoRA\",\"loras\":[{\"path\":\"https://h.test/l\",\"scale\":1}],\"provider\":null}");
        for (String json : accepted) {
            assertThat(SchemaFiles.validate(REQUEST_JSON_SCHEMA, json)).as(json).isEmpty();
        }
        List<String> refused = List.of(
                "{\"mode\":\"text-to-video\",\"duration\":5}",
                "{\"prompt\":\"ok\",\"duration\":\"ten\"}",
                "{\"prompt\":\"ok\",\"image_urls\":\"https://img.test/one.png\"}",
                "{\"prompt\":\"l\",\"loras\":[{\"scale\":1.0}]}");
        for (String json : refused) {
            assertThat(SchemaFiles.validate(REQUEST_JSON_SCHEMA, json)).as(json).isNotEmpty();
        }
    }
}
