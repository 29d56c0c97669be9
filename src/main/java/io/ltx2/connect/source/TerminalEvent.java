package io.ltx2.connect.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.util.Json;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.List;

/**
 * The value of an events-topic record: schema {@value #SCHEMA_NAME} version {@value #SCHEMA_VERSION}.
 * Field names mirror the API's status fields. The request's input is echoed as a JSON string
 * ({@code input}, the API's own field names) rather than a nested struct, so that inputs with
 * fields a later contract adds still fit the fixed schema. Version 2 added the optional
 * {@code attempt}, {@code earlierAttempts} and {@code adopted}; version 3 the optional {@code archivedUrls},
 * {@code archivedHttpsUrls} and {@code archiveFailure} of the archive stage (docs/archiving.md); version 4 the optional
 * {@code otherTaskIds}, and {@code earlierAttempts} counts every other attempt that may have made a task, above or below
 * the reported one, and a rejection by the API its {@code httpStatus} and {@code failDetail}. Every field a version added is optional, so a reader of an earlier version reads a later event as before.
 */
public final class TerminalEvent {
    public static final String SCHEMA_NAME = "io.ltx2.connect.TerminalEvent";
    public static final int SCHEMA_VERSION = 4;

    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";
    public static final String REJECTED = "rejected";

    public static final String TIMEOUT = "TIMEOUT";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String MALFORMED_RESPONSE = "MALFORMED_RESPONSE";
    public static final String UNKNOWN_FAILURE = "UNKNOWN";

    public static final String HEADER_REQUEST_ID = "ltx.request.id";
    public static final String HEADER_TASK_ID = "ltx.task.id";
    public static final String HEADER_IDENTITY = "ltx.request.identity";
    public static final String HEADER_EARLIER_ATTEMPTS = "ltx.earlier.attempts";
    public static final String HEADER_ADOPTED = "ltx.adopted";
    public static final String HEADER_OTHER_TASK_IDS = "ltx.other.task.ids";

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
            .field("attempt", SchemaBuilder.int32().optional()
                    .doc("The create attempt whose task this event reports (1 = the first); null for a rejected request").build())
            .field("earlierAttempts", SchemaBuilder.int32().optional()
                    .doc("Other create attempts of this request, besides the one this event reports, that may have made, and been "
                            + "billed for, a task: INTENTs not withdrawn (numbered above or below it), attempts the sink's records "
                            + "named, and the attempts of other tasks followed; null when none").build())
            .field("adopted", SchemaBuilder.bool().optional()
                    .doc("The task was adopted through its callback: its create was never answered").build())
            .field("archivedUrls", SchemaBuilder.array(Schema.STRING_SCHEMA).optional()
                    .doc("The durable copies of resultUrls, same order, as s3://bucket/key: each video stored and verified before "
                            + "this event was written; null when archiving is off or failed").build())
            .field("archivedHttpsUrls", SchemaBuilder.array(Schema.STRING_SCHEMA).optional()
                    .doc("Pre-signed HTTPS GET URLs of archivedUrls, same order, valid for ltx.archive.presign.ttl.ms from the "
                            + "event; null when not configured").build())
            .field("archiveFailure", SchemaBuilder.string().optional()
                    .doc("Why the videos of this success were not archived (CODE: reason; RESULT_URL_GONE when a result URL had "
                            + "expired or was refused); resultUrls are the original URLs; null otherwise").build())
            .field("otherTaskIds", SchemaBuilder.array(Schema.STRING_SCHEMA).optional()
                    .doc("Ids of the request's API tasks other than taskId: other tasks followed for it and tasks whose callbacks "
                            + "named it (each created, and billed, too); null when none").build())
            .field("httpStatus", SchemaBuilder.int32().optional()
                    .doc("Rejected by the API: the HTTP status of its refusal (400, 403, ...); null otherwise").build())
            .field("failDetail", SchemaBuilder.string().optional()
                    .doc("Rejected by the API: the detail its answer gave (data.error), when it gave one").build())
            .build();

    private TerminalEvent() {
    }

    /** The event of a finished task: {@code success} or {@code failed} as the API reported it. */
    public static Struct fromStatus(RequestFacts facts, TaskStatus status, long detectTime) {
        boolean success = status.state() == TaskState.SUCCESS;
        Struct s = followed(facts, success ? SUCCESS : FAILED, detectTime)
                .put("resultUrls", status.resultUrls())
                .put("createTime", status.createTime())
                .put("completeTime", status.completeTime())
                .put("costTime", status.costTime());
        if (!success) {
            s.put("failCode", status.failCode() == null ? UNKNOWN_FAILURE : status.failCode());
            s.put("failMsg", status.failMsg());
        }
        return s;
    }

    /** The success {@code event} with its videos' durable copies (and their pre-signed URLs, when any). */
    public static Struct archived(Struct event, List<String> locations, List<String> httpsUrls) {
        return event.put("archivedUrls", List.copyOf(locations)).put("archivedHttpsUrls", httpsUrls.isEmpty() ? null : List.copyOf(httpsUrls));
    }

    /** The success {@code event}, its videos not archived, with the reason. */
    public static Struct archiveFailed(Struct event, String failure) {
        return event.put("archiveFailure", failure);
    }

    /** A failure the connector decided (TIMEOUT, NOT_FOUND, MALFORMED_RESPONSE). */
    public static Struct failed(RequestFacts facts, String failCode, String failMsg, long detectTime) {
        return followed(facts, FAILED, detectTime)
                .put("resultUrls", List.of())
                .put("failCode", failCode)
                .put("failMsg", failMsg);
    }

    /** As {@link #rejected(RequestFacts, String, String, long)}, refused by the API with {@code httpStatus} and {@code failDetail}. */
    public static Struct refused(RequestFacts facts, String failCode, String failMsg, Integer httpStatus, String failDetail, long detectTime) {
        return rejected(facts, failCode, failMsg, detectTime).put("httpStatus", httpStatus).put("failDetail", failDetail);
    }

    /** A request the sink never got accepted (REJECTED tracking record). */
    public static Struct rejected(RequestFacts facts, String failCode, String failMsg, long detectTime) {
        return base(facts, REJECTED, detectTime)
                .put("resultUrls", List.of())
                .put("failCode", failCode == null ? FailCodes.INVALID_REQUEST : failCode)
                .put("failMsg", failMsg);
    }

    private static Struct followed(RequestFacts facts, String state, long detectTime) {
        return base(facts, state, detectTime)
                .put("taskId", facts.taskId())
                .put("attempt", facts.attempt())
                .put("adopted", facts.adopted());
    }

    private static Struct base(RequestFacts facts, String state, long detectTime) {
        Struct s = new Struct(SCHEMA)
                .put("requestId", facts.requestId())
                .put("state", state)
                .put("submitTime", facts.submitTime())
                .put("detectTime", detectTime)
                .put("input", inputJson(facts.input()))
                .put("earlierAttempts", facts.earlierAttempts().isEmpty() ? null : facts.earlierAttempts().size())
                .put("otherTaskIds", facts.otherTaskIds().isEmpty() ? null : facts.otherTaskIds());
        SourceCoordinates source = facts.source();
        if (source != null) {
            s.put("sourceTopic", source.topic()).put("sourcePartition", source.partition()).put("sourceOffset", source.offset());
        }
        return s;
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
