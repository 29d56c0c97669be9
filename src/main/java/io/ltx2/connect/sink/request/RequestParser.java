package io.ltx2.connect.sink.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.config.RequestDefaults;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.util.Json;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a request from a record value: a schemaless map (JsonConverter without schemas), a JSON
 * string, UTF-8 JSON bytes, or a {@link Struct} (Avro, Protobuf, JSON Schema converters). Missing
 * fields take the connector's defaults; a value that cannot be read at all throws
 * {@link UnparseableRecordException} naming the problem.
 */
public final class RequestParser {
    static final String REQUEST_ID = "request_id";
    static final String PROVIDER = "provider";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final String connector;
    private final RequestDefaults defaults;
    private final PropagatedHeaders headers;
    private final Function<String, String> topicIds;

    public RequestParser(String connector, RequestDefaults defaults, PropagatedHeaders headers) {
        this(connector, defaults, headers, topic -> null);
    }

    /**
     * @param connector the sink connector's name: with the record's coordinates, a request's identity
     * @param headers   which of the record's headers travel with the request
     * @param topicIds  an input topic's id (null when unknown): it tells a recreated topic's records from the deleted one's
     */
    public RequestParser(String connector, RequestDefaults defaults, PropagatedHeaders headers, Function<String, String> topicIds) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.topicIds = Objects.requireNonNull(topicIds, "topicIds");
    }

    /** The identity of the request a record is, readable or not. */
    public RequestIdentity identity(SinkRecord record) {
        return RequestIdentity.of(connector, withTopicId(coordinates(record)));
    }

    private SourceCoordinates withTopicId(SourceCoordinates c) {
        return new SourceCoordinates(c.topic(), c.partition(), c.offset(), topicIds.apply(c.topic()));
    }

    public SinkRequest parse(SinkRecord record) {
        SourceCoordinates source = withTopicId(coordinates(record));
        Map<String, Object> fields = fields(record.value());
        String requestId = string(fields, REQUEST_ID, true);
        GenerationInput raw = new GenerationInput(
                string(fields, "mode", false),
                string(fields, "prompt", false),
                string(fields, "resolution", false),
                integer(fields, "duration"),
                string(fields, "aspect_ratio", false),
                strings(fields, "image_urls"),
                seed(fields),
                loras(fields));
        return new SinkRequest(RequestIdentity.of(connector, source), requestId(requestId, record.key(), source),
                defaults.provider(string(fields, PROVIDER, false)), defaults.complete(raw), headers.select(record.headers()));
    }

    /**
     * The request id of a record whose value may be unreadable: its {@code request_id} field when
     * that can be read, else the string key, else the coordinates.
     */
    public static String bestEffortRequestId(SinkRecord record) {
        String field = null;
        try {
            field = string(fields(record.value()), REQUEST_ID, true);
        } catch (RuntimeException unreadable) {
            // fall back to the key or the coordinates
        }
        return requestId(field, record.key(), coordinates(record));
    }

    /** The design's rule: the request_id field, else a string record key, else topic-partition-offset. */
    static String requestId(String field, Object key, SourceCoordinates source) {
        if (field != null && !field.isBlank()) {
            return field;
        }
        if (key instanceof String s && !s.isBlank()) {
            return s;
        }
        return source.asRequestId();
    }

    /** The record's coordinates before any SMT renamed its topic (KIP-793); current ones on workers before 3.6. */
    public static SourceCoordinates coordinates(SinkRecord record) {
        try {
            return new SourceCoordinates(record.originalTopic(), record.originalKafkaPartition(), record.originalKafkaOffset());
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            return new SourceCoordinates(record.topic(), record.kafkaPartition(), record.kafkaOffset());
        }
    }

    static Map<String, Object> fields(Object value) {
        if (value == null) {
            throw new UnparseableRecordException("record value is null (a tombstone), not a request");
        }
        if (value instanceof Struct struct) {
            return structToMap(struct);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new UnparseableRecordException("record value is a map with a non-string key " + e.getKey());
                }
                out.put(k, e.getValue());
            }
            return out;
        }
        if (value instanceof String json) {
            return parseJson(json);
        }
        if (value instanceof byte[] bytes) {
            return parseJson(utf8(bytes));
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return parseJson(utf8(bytes));
        }
        throw new UnparseableRecordException("record value of type " + value.getClass().getSimpleName()
                + " is not a request: expected a JSON object, a JSON string or a Struct");
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnparseableRecordException("record value is not UTF-8 text", e);
        }
    }

    private static Map<String, Object> parseJson(String json) {
        try {
            Map<String, Object> map = Json.MAPPER.readValue(json, MAP);
            if (map == null) {
                throw new UnparseableRecordException("record value is JSON null, not a request object");
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new UnparseableRecordException("record value is not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> structToMap(Struct struct) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : struct.schema().fields()) {
            out.put(f.name(), plain(struct.get(f)));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof Struct s) {
            return structToMap(s);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(x -> out.add(plain(x)));
            return out;
        }
        return v;
    }

    private static String string(Map<String, Object> fields, String name, boolean allowNumber) {
        Object v = fields.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (allowNumber && isIntegral(v)) {
            return v.toString();
        }
        throw wrongType(name, "a string", v);
    }

    private static Integer integer(Map<String, Object> fields, String name) {
        Long v = longValue(fields, name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UnparseableRecordException(name + ": " + v + " is out of range for an integer");
        }
        return v.intValue();
    }

    private static Long seed(Map<String, Object> fields) {
        return longValue(fields, "seed");
    }

    private static Long longValue(Map<String, Object> fields, String name) {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger big) {
            try {
                return big.longValueExact();
            } catch (ArithmeticException e) {
                throw new UnparseableRecordException(name + ": " + big + " is out of range");
            }
        }
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            // JSON writers sometimes print whole numbers as 8.0; anything with a fraction is a mistake.
            BigDecimal d = new BigDecimal(v.toString());
            try {
                return d.stripTrailingZeros().longValueExact();
            } catch (ArithmeticException e) {
                throw wrongType(name, "a whole number", v);
            }
        }
        throw wrongType(name, "a whole number", v);
    }

    private static List<String> strings(Map<String, Object> fields, String name) {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(name, "an array of strings", v);
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof String s)) {
                throw wrongType(name + "[" + i + "]", "a string", item);
            }
            out.add(s);
        }
        return out;
    }

    private static List<Lora> loras(Map<String, Object> fields) {
        Object v = fields.get("loras");
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType("loras", "an array of {path, scale} objects", v);
        }
        List<Lora> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i) instanceof Struct s ? structToMap(s) : list.get(i);
            String at = "loras[" + i + "]";
            if (!(item instanceof Map<?, ?> lora)) {
                throw wrongType(at, "a {path, scale} object", item);
            }
            Object path = lora.get("path");
            if (path != null && !(path instanceof String)) {
                throw wrongType(at + ".path", "a string", path);
            }
            Object scale = lora.get("scale");
            if (scale != null && !(scale instanceof Number)) {
                throw wrongType(at + ".scale", "a number", scale);
            }
            out.add(new Lora((String) path, scale == null ? null : ((Number) scale).doubleValue()));
        }
        return out;
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger;
    }

    private static UnparseableRecordException wrongType(String field, String expected, Object actual) {
        String type = actual == null ? "null" : actual instanceof Map ? "an object" : actual instanceof List ? "an array"
                : actual.getClass().getSimpleName();
        return new UnparseableRecordException(field + ": must be " + expected + ", was " + type);
    }
}
