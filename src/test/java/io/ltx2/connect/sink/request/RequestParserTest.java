package io.ltx2.connect.sink.request;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.config.RequestDefaults;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class RequestParserTest {
    private static final RequestDefaults DEFAULTS = new RequestDefaults("text-to-video", "720p", 10, "16:9", null, "auto");
    private final RequestParser parser = new RequestParser("c", DEFAULTS, new PropagatedHeaders(List.of("traceparent"), null));

    private static SinkRecord record(Object key, Schema valueSchema, Object value) {
        return new SinkRecord("requests", 2, null, key, valueSchema, value, 41L);
    }

    @Test
    void schemalessMapTakesDefaultsForMissingFields() {
        SinkRequest r = parser.parse(record(null, null, Map.of("prompt", "a fox", "duration", 8L)));
        assertThat(r.input()).isEqualTo(new GenerationInput("text-to-video", "a fox", "720p", 8, "16:9", null, null, null));
        assertThat(r.provider()).isEqualTo("auto");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void theInputTopicsIdJoinsTheIdentityOncePerOwnership() {
        List<String> described = new java.util.ArrayList<>();
        InputTopicIds ids = new InputTopicIds(topic -> {
            described.add(topic);
            return "id-" + described.size();
        });
        RequestParser withIds = new RequestParser("c", DEFAULTS, new PropagatedHeaders(List.of(), null), ids::idOf);
        SinkRecord r = record(null, null, Map.of("prompt", "a fox"));
        assertThat(withIds.identity(r).topicId()).isEqualTo("id-1");
        assertThat(withIds.parse(r).identity().topicId()).isEqualTo("id-1");
        ids.assigned(List.of(new org.apache.kafka.common.TopicPartition(r.topic(), 0))); // perhaps recreated meanwhile
        assertThat(withIds.identity(r).topicId()).isEqualTo("id-2");
        assertThat(parser.identity(r).topicId()).isNull();
    }

    @Test
    void aspectRatioDefaultIsNotAddedToImageModes() {
        SinkRequest r = parser.parse(record(null, null, Map.of("mode", "image-to-video", "prompt", "waves",
                "image_urls", List.of("https://example.com/a.png"))));
        assertThat(r.input().aspectRatio()).isNull();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void defaultSeedAppliesOnlyWhenConfigured() {
        RequestParser seeded = new RequestParser("c", new RequestDefaults("text-to-video", "480p", 5, "9:16", 7L, "value"), new PropagatedHeaders(List.of("traceparent"), null));
        SinkRequest r = seeded.parse(record(null, null, Map.of("prompt", "p")));
        assertThat(r.input().seed()).isEqualTo(7L);
        assertThat(r.input().resolution()).isEqualTo("480p");
        assertThat(r.input().aspectRatio()).isEqualTo("9:16");
        assertThat(r.provider()).isEqualTo("value");
        assertThat(parser.parse(record(null, null, Map.of("prompt", "p"))).input().seed()).isNull();
    }

    @Test
    void jsonStringAndUtf8BytesParseTheSameAsAMap() {
        String json = "{\"mode\":\"text-to-video-LoRA\",\"prompt\":\"Neon city \u00e9\",\"resolution\":\"1080p\",\"duration\":12,"
                + "\"seed\":42,\"provider\":\"official\",\"loras\":[{\"path\":\"https://a.test/a?download=true\",\"scale\":0.8}]}";
        SinkRequest fromString = parser.parse(record(null, null, json));
        SinkRequest fromBytes = parser.parse(record(null, Schema.BYTES_SCHEMA, json.getBytes(StandardCharsets.UTF_8)));
        assertThat(fromString).isEqualTo(fromBytes);
        assertThat(fromString.input().loras()).containsExactly(new Lora("https://a.test/a?download=true", 0.8));
        assertThat(fromString.input().prompt()).isEqualTo("Neon city \u00e9");
        assertThat(fromString.input().seed()).isEqualTo(42L);
        assertThat(fromString.provider()).isEqualTo("official");
        assertThat(fromString.problems()).isEmpty();
    }

    @Test
    void structFromSchemaConvertersIsRead() {
        Schema lora = SchemaBuilder.struct().field("path", Schema.STRING_SCHEMA).field("scale", Schema.FLOAT64_SCHEMA).build();
        Schema schema = SchemaBuilder.struct()
                .field("request_id", Schema.OPTIONAL_STRING_SCHEMA)
                .field("mode", Schema.STRING_SCHEMA)
                .field("prompt", Schema.STRING_SCHEMA)
                .field("duration", Schema.OPTIONAL_INT32_SCHEMA)
                .field("image_urls", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("loras", SchemaBuilder.array(lora).optional().build())
                .field("seed", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        Struct value = new Struct(schema)
                .put("request_id", "req-9")
                .put("mode", "image-to-video-LoRA")
                .put("prompt", "The character waves")
                .put("image_urls", List.of("https://example.com/c.png"))
                .put("loras", List.of(new Struct(lora).put("path", "https://h.test/s?download=true").put("scale", 1.0)));
        SinkRequest r = parser.parse(record("key-1", schema, value));
        assertThat(r.requestId()).isEqualTo("req-9");
        assertThat(r.input()).isEqualTo(new GenerationInput("image-to-video-LoRA", "The character waves", "720p", 10, null,
                List.of("https://example.com/c.png"), null, List.of(new Lora("https://h.test/s?download=true", 1.0))));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void requestIdIsFieldThenStringKeyThenCoordinates() {
        assertThat(parser.parse(record("k", null, Map.of("prompt", "p", "request_id", "r1"))).requestId()).isEqualTo("r1");
        assertThat(parser.parse(record("k", null, Map.of("prompt", "p"))).requestId()).isEqualTo("k");
        assertThat(parser.parse(record(17L, null, Map.of("prompt", "p"))).requestId()).isEqualTo("requests-2-41");
        assertThat(parser.parse(record("  ", null, Map.of("prompt", "p", "request_id", ""))).requestId()).isEqualTo("requests-2-41");
        assertThat(parser.parse(record(null, null, Map.of("prompt", "p", "request_id", 123L))).requestId()).isEqualTo("123");
    }

    @Test
    void coordinatesAreTheOriginalOnesWhenAnSmtRenamedTheTopic() {
        SinkRecord original = new SinkRecord("requests", 3, null, null, null, Map.of("prompt", "p"), 99L, 1L,
                TimestampType.CREATE_TIME, new ConnectHeaders(), "requests", 3, 99L);
        SinkRecord renamed = original.newRecord("renamed", 0, null, null, null, original.value(), original.timestamp());
        SinkRequest r = parser.parse(renamed);
        assertThat(r.identity().connector()).isEqualTo("c");
        assertThat(r.identity().topic()).isEqualTo("requests");
        assertThat(r.identity().partition()).isEqualTo(3);
        assertThat(r.identity().offset()).isEqualTo(99L);
        assertThat(r.requestId()).isEqualTo("requests-3-99");
    }

    @Test
    void invalidButReadableRequestNamesTheField() {
        SinkRequest r = parser.parse(record(null, null, Map.of("prompt", "p", "resolution", "4k", "provider", "cheapest")));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("resolution:"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("provider:"));
    }

    @Test
    void unreadableValuesAreUnparseable() {
        assertThatThrownBy(() -> parser.parse(record(null, null, null)))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> parser.parse(record(null, null, "not json")))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parser.parse(record(null, null, "[1,2]")))
                .isInstanceOf(UnparseableRecordException.class);
        assertThatThrownBy(() -> parser.parse(record(null, null, new byte[]{(byte) 0xC3, (byte) 0x28})))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> parser.parse(record(null, null, Map.of("prompt", "p", "duration", "ten"))))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("duration: must be a whole number");
        assertThatThrownBy(() -> parser.parse(record(null, null, Map.of("prompt", "p", "duration", 7.5))))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> parser.parse(record(null, null, Map.of("prompt", 5L))))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("prompt: must be a string");
        assertThatThrownBy(() -> parser.parse(record(null, null, Map.of("prompt", "p", "loras", List.of("x")))))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("loras[0]");
        assertThatThrownBy(() -> parser.parse(record(null, null, 12)))
                .isInstanceOf(UnparseableRecordException.class).hasMessageContaining("Integer");
    }

    @Test
    void structWithAnUnexpectedSchemaIsUnparseableOrInvalidNeverACrash() {
        // A Struct from another producer's schema: the prompt is a number, the duration a string.
        Schema wrongTypes = SchemaBuilder.struct().field("prompt", Schema.INT32_SCHEMA).field("duration", Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> parser.parse(record(null, wrongTypes, new Struct(wrongTypes).put("prompt", 5).put("duration", "ten"))))
                .isInstanceOf(UnparseableRecordException.class);
        // A Struct of an unrelated schema: readable, so it becomes an invalid request naming the missing prompt.
        Schema unrelated = SchemaBuilder.struct().field("order_id", Schema.STRING_SCHEMA).field("amount", Schema.FLOAT64_SCHEMA).build();
        SinkRequest r = parser.parse(record("k", unrelated, new Struct(unrelated).put("order_id", "o-1").put("amount", 9.5)));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("prompt:"));
    }

    @Test
    void wholeNumbersWrittenAsDecimalsAreAccepted() {
        Map<String, Object> value = new HashMap<>();
        value.put("prompt", "p");
        value.put("duration", 8.0);
        value.put("seed", null);
        assertThat(parser.parse(record(null, null, value)).input().duration()).isEqualTo(8);
    }

    @Test
    void bestEffortRequestIdOfAnUnreadableRecord() {
        assertThat(RequestParser.bestEffortRequestId(record("k", null, "garbage"))).isEqualTo("k");
        assertThat(RequestParser.bestEffortRequestId(record(null, null, "garbage"))).isEqualTo("requests-2-41");
        assertThat(RequestParser.bestEffortRequestId(record(null, null, "{\"request_id\":\"r\",\"duration\":\"x\"}"))).isEqualTo("r");
    }
}
