package io.ltx2.connect.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ltx2.connect.api.GenerationInput;

/**
 * One record of the tracking topic, format version {@value #CURRENT_VERSION}. The value is JSON
 * (see {@link TrackingRecordCodec}); the key is {@link #key()}: the task id when there is one, so
 * that a task's SUBMITTED and CALLBACK records share a partition, else the request id.
 *
 * @param version       format version; readers accept this and older ones
 * @param type          the lifecycle step
 * @param requestId     the request id (field, string key, or topic-partition-offset)
 * @param taskId        the API's task id (null for REJECTED)
 * @param time          when this record was made, epoch ms (submit time for SUBMITTED)
 * @param source        the request record's original coordinates (null for CALLBACK)
 * @param requestType   {@code async} or {@code callback}
 * @param provider      the routing strategy sent
 * @param input         the input as sent (or as parsed, for REJECTED; may be null)
 * @param failCode      REJECTED: INVALID_REQUEST, HTTP_400, ...
 * @param failMsg       REJECTED: the reason, naming the field
 * @param callbackState CALLBACK: the state the webhook reported
 * @param callbackBody  CALLBACK: the webhook's {@code data}, as received (JSON text)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackingRecord(
        @JsonProperty("v") int version,
        @JsonProperty("type") TrackingRecordType type,
        @JsonProperty("requestId") String requestId,
        @JsonProperty("taskId") String taskId,
        @JsonProperty("time") long time,
        @JsonProperty("source") SourceCoordinates source,
        @JsonProperty("requestType") String requestType,
        @JsonProperty("provider") String provider,
        @JsonProperty("input") GenerationInput input,
        @JsonProperty("failCode") String failCode,
        @JsonProperty("failMsg") String failMsg,
        @JsonProperty("callbackState") String callbackState,
        @JsonProperty("callbackBody") String callbackBody) {

    public static final int CURRENT_VERSION = 1;

    public static TrackingRecord submitted(String requestId, String taskId, long submitTime, SourceCoordinates source,
                                           String requestType, String provider, GenerationInput input) {
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.SUBMITTED, requestId, taskId, submitTime, source,
                requestType, provider, input, null, null, null, null);
    }

    public static TrackingRecord rejected(String requestId, long time, SourceCoordinates source, GenerationInput input,
                                          String failCode, String failMsg) {
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.REJECTED, requestId, null, time, source,
                null, null, input, failCode, failMsg, null, null);
    }

    public static TrackingRecord callback(String taskId, long receivedTime, String state, String body) {
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.CALLBACK, null, taskId, receivedTime, null,
                null, null, null, null, null, state, body);
    }

    /** The Kafka key: task id when known, else request id. */
    public String key() {
        return taskId != null ? taskId : requestId;
    }
}
