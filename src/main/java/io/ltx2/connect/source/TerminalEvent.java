package io.ltx2.connect.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Json;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.List;

/**
 * The value of an events-topic record: schema {@value #SCHEMA_NAME} version {@value #SCHEMA_VERSION}.
 * Field names mirror the API's status fields. The request's input is echoed as a JSON string
 * ({@code input}, the API's own field names) rather than a nested struct, so that inputs with
 * fields a later contract adds still fit the fixed schema.
 */
public final class TerminalEvent {
    public static final String SCHEMA_NAME = "io.ltx2.connect.TerminalEvent";
    public static final int SCHEMA_VERSION = 1;

    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";
    public static final String REJECTED = "rejected";

    public static final String TIMEOUT = "TIMEOUT";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String MALFORMED_RESPONSE = "MALFORMED_RESPONSE";
    public static final String UNKNOWN_FAILURE = "UNKNOWN";

    public static final String HEADER_REQUEST_ID = "ltx.request.id";
    public static final String HEADER_TASK_ID = "ltx.task.id";

    public static final Schema KEY_SCHEMA = Schema.STRING_SCHEMA;

    public static final Schema SCHEMA = SchemaBuilder.struct()
            .name(SCHEMA_NAME)
            .version(SCHEMA_VERSION)
            .doc("Terminal outcome of one LTX-2 generation request")
            .field("requestId", Schema.STRING_SCHEMA)
            .field("taskId", Schema.OPTIONAL_STRING_SCHEMA)
            .field("state", Schema.STRING_SCHEMA)
            .field("resultUrls", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("failCode", Schema.OPTIONAL_STRING_SCHEMA)
            .field("failMsg", Schema.OPTIONAL_STRING_SCHEMA)
            .field("createTime", Schema.OPTIONAL_INT64_SCHEMA)
            .field("completeTime", Schema.OPTIONAL_INT64_SCHEMA)
            .field("costTime", Schema.OPTIONAL_INT64_SCHEMA)
            .field("submitTime", Schema.OPTIONAL_INT64_SCHEMA)
            .field("detectTime", Schema.INT64_SCHEMA)
            .field("sourceTopic", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sourcePartition", Schema.OPTIONAL_INT32_SCHEMA)
            .field("sourceOffset", Schema.OPTIONAL_INT64_SCHEMA)
            .field("input", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private TerminalEvent() {
    }

    /** The event of a finished task: {@code success} or {@code failed} as the API reported it. */
    public static Struct fromStatus(TrackingRecord submitted, TaskStatus status, long detectTime) {
        boolean success = status.state() == io.ltx2.connect.api.TaskState.SUCCESS;
        Struct s = base(submitted, success ? SUCCESS : FAILED, detectTime)
                .put("taskId", submitted.taskId())
                .put("resultUrls", status.resultUrls())
                .put("createTime", status.createTime())
                .put("completeTime", status.completeTime())
                .put("costTime", status.costTime())
                .put("submitTime", submitted.time());
        if (!success) {
            s.put("failCode", status.failCode() == null ? UNKNOWN_FAILURE : status.failCode());
            s.put("failMsg", status.failMsg());
        }
        return s;
    }

    /** A failure the connector decided (TIMEOUT, NOT_FOUND, MALFORMED_RESPONSE). */
    public static Struct failed(TrackingRecord submitted, String failCode, String failMsg, long detectTime) {
        return base(submitted, FAILED, detectTime)
                .put("taskId", submitted.taskId())
                .put("resultUrls", List.of())
                .put("failCode", failCode)
                .put("failMsg", failMsg)
                .put("submitTime", submitted.time());
    }

    /** A request the sink never got accepted (REJECTED tracking record). */
    public static Struct rejected(TrackingRecord rejected, long detectTime) {
        return base(rejected, REJECTED, detectTime)
                .put("resultUrls", List.of())
                .put("failCode", rejected.failCode() == null ? "INVALID_REQUEST" : rejected.failCode())
                .put("failMsg", rejected.failMsg())
                .put("submitTime", rejected.time());
    }

    /**
     * The event of a request that the sink's duplicate guard served with an earlier task's result:
     * that task's outcome, with this request's id, coordinates, input and submit time.
     */
    public static Struct reusing(Struct earlier, TrackingRecord reuser) {
        Struct s = new Struct(SCHEMA);
        for (org.apache.kafka.connect.data.Field f : SCHEMA.fields()) {
            s.put(f, earlier.get(f));
        }
        s.put("requestId", requestIdOf(reuser)).put("input", inputJson(reuser.input())).put("submitTime", reuser.time());
        SourceCoordinates source = reuser.source();
        s.put("sourceTopic", source == null ? null : source.topic())
                .put("sourcePartition", source == null ? null : source.partition())
                .put("sourceOffset", source == null ? null : source.offset());
        return s;
    }

    private static Struct base(TrackingRecord record, String state, long detectTime) {
        Struct s = new Struct(SCHEMA)
                .put("requestId", requestIdOf(record))
                .put("state", state)
                .put("detectTime", detectTime)
                .put("input", inputJson(record.input()));
        SourceCoordinates source = record.source();
        if (source != null) {
            s.put("sourceTopic", source.topic()).put("sourcePartition", source.partition()).put("sourceOffset", source.offset());
        }
        return s;
    }

    /** The record's request id; records from an older sink without one fall back to the design's topic-partition-offset. */
    static String requestIdOf(TrackingRecord record) {
        if (record.requestId() != null) {
            return record.requestId();
        }
        if (record.source() != null) {
            return record.source().asRequestId();
        }
        return record.taskId();
    }

    private static String inputJson(GenerationInput input) {
        if (input == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
