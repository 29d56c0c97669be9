package io.ltx2.connect.tracking;

import io.ltx2.connect.util.SharedStrings;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ltx2.connect.api.GenerationInput;

import java.util.List;
import java.util.Map;

/**
 * One record of the tracking topic, format version {@value #CURRENT_VERSION} (readers also take
 * version 1, which had no connector, attempts or headers). The value is JSON (see
 * {@link TrackingRecordCodec}); the key is {@link #key()}: the request's identity, so that all
 * records of a request share a partition and are read in order by one source task.
 *
 * @param version         format version
 * @param type            the lifecycle step
 * @param connector       the sink connector that read the request: with {@code source}, its identity
 * @param requestId       the request's label (not unique: users may repeat it)
 * @param taskId          the API's task id (SUBMITTED, CALLBACK)
 * @param time            when this record was made, epoch ms (the submit time for SUBMITTED)
 * @param source          the request record's original coordinates
 * @param attempt         INTENT, WITHDRAWN, SUBMITTED: the create attempt (1 for the first)
 * @param earlierAttempts SUBMITTED, REJECTED: earlier attempts whose create may exist without a SUBMITTED record
 * @param reused          SUBMITTED: the duplicate guard served the request with an earlier task's result (nothing billed)
 * @param adopted         SUBMITTED: the task of an unanswered create, adopted through its callback (the record is written after it)
 * @param requestType     {@code async} or {@code callback}
 * @param provider        the routing strategy sent
 * @param input           the input as sent (or as parsed, for REJECTED; may be null)
 * @param headers         the request record's headers that travel with it (trace context)
 * @param failCode        REJECTED: INVALID_REQUEST, the API's own code of its refusal or HTTP_&lt;status&gt;, SUBMIT_FAILED, DRY_RUN
 * @param failMsg         REJECTED: the reason, naming the field
 * @param unavailable     RETRY: the fail code says the API cannot do the work now (the sink pauses), not that this request failed
 * @param httpStatus      REJECTED by the API: the HTTP status of its refusal
 * @param failDetail      REJECTED by the API: the detail its answer gave ({@code data.error}), if any
 * @param callbackState   CALLBACK: the state the webhook reported
 * @param callbackBody    CALLBACK: the webhook's {@code data}, as received (JSON text)
 * @param knownTasks      RETRY: every task of the request the source knew of (a callback of one of them is never the new attempt's)
 * @param retryUntil      RETRY: when the source gives the failed task's event if no new attempt answered (epoch ms; null: never):
 *                        an attempt may not start so late that its task would follow the event
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TrackingRecord(
        @JsonProperty("v") int version,
        @JsonProperty("type") TrackingRecordType type,
        @JsonProperty("connector") String connector,
        @JsonProperty("requestId") String requestId,
        @JsonProperty("taskId") String taskId,
        @JsonProperty("time") long time,
        @JsonProperty("source") SourceCoordinates source,
        @JsonProperty("attempt") Integer attempt,
        @JsonProperty("earlierAttempts") List<Attempt> earlierAttempts,
        @JsonProperty("reused") Boolean reused,
        @JsonProperty("adopted") Boolean adopted,
        @JsonProperty("requestType") String requestType,
        @JsonProperty("provider") String provider,
        @JsonProperty("input") GenerationInput input,
        @JsonProperty("headers") Map<String, String> headers,
        @JsonProperty("failCode") String failCode,
        @JsonProperty("failMsg") String failMsg,
        @JsonProperty("unavailable") Boolean unavailable,
        @JsonProperty("httpStatus") Integer httpStatus,
        @JsonProperty("failDetail") String failDetail,
        @JsonProperty("callbackState") String callbackState,
        @JsonProperty("callbackBody") String callbackBody,
        @JsonProperty("knownTasks") List<String> knownTasks,
        @JsonProperty("retryUntil") Long retryUntil) {

    public static final int CURRENT_VERSION = 2;

    public TrackingRecord {
        connector = SharedStrings.of(connector);
        requestType = SharedStrings.of(requestType);
        provider = SharedStrings.of(provider);
        earlierAttempts = earlierAttempts == null ? List.of() : List.copyOf(earlierAttempts);
        knownTasks = knownTasks == null ? List.of() : List.copyOf(knownTasks);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** Written and acknowledged before create attempt {@code attempt} of the request goes out. */
    public static TrackingRecord intent(TrackedRequest r, int attempt, long time) {
        return of(TrackingRecordType.INTENT, r, time, null, attempt, List.of(), null);
    }

    /** Create attempt {@code attempt}, whose INTENT was written, never reached the API. */
    public static TrackingRecord withdrawn(TrackedRequest r, int attempt, long time) {
        return of(TrackingRecordType.WITHDRAWN, r, time, null, attempt, List.of(), null);
    }

    /** The API accepted create attempt {@code attempt} as {@code taskId}; {@code earlier} may also exist. */
    public static TrackingRecord submitted(TrackedRequest r, String taskId, int attempt, List<Attempt> earlier, long submitTime) {
        return of(TrackingRecordType.SUBMITTED, r, submitTime, taskId, attempt, earlier, null);
    }

    /** The duplicate guard served the request with the result of {@code earlierTaskId}: no create, nothing billed. */
    public static TrackingRecord reused(TrackedRequest r, String earlierTaskId, long time) {
        return of(TrackingRecordType.SUBMITTED, r, time, earlierTaskId, null, List.of(), Boolean.TRUE);
    }

    /**
     * Create attempt {@code attempt}, never answered, made {@code taskId}, whose callback named the
     * request: the sink adopted it instead of creating again; {@code earlier} may also exist. {@code attempt}
     * is null when no open attempt is known.
     */
    public static TrackingRecord adopted(TrackedRequest r, String taskId, Integer attempt, List<Attempt> earlier, long time) {
        RequestIdentity id = r.identity();
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.SUBMITTED, id.connector(), r.requestId(), taskId, time, id.coordinates(),
                attempt, earlier, null, Boolean.TRUE, r.requestType(), r.provider(), r.input(), r.headers(), null, null, null, null, null, null, null,
                null, null);
    }

    /** The request was not submitted; {@code earlier} names attempts whose create may exist nonetheless. */
    public static TrackingRecord rejected(TrackedRequest r, String failCode, String failMsg, List<Attempt> earlier, long time) {
        return refused(r, failCode, failMsg, null, null, earlier, time);
    }

    /** As {@link #rejected}, for a refusal by the API: its HTTP status and detail (null when not the API's refusal). */
    public static TrackingRecord refused(TrackedRequest r, String failCode, String failMsg, Integer httpStatus, String failDetail,
                                         List<Attempt> earlier, long time) {
        RequestIdentity id = r.identity();
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.REJECTED, id.connector(), r.requestId(), null, time, id.coordinates(),
                null, earlier, null, null, r.requestType(), r.provider(), r.input(), r.headers(), failCode, failMsg, null, httpStatus,
                failDetail, null, null, null, null);
    }

    /**
     * Written by the source: task {@code failedTaskId} of create attempt {@code failedAttempt},
     * submitted at {@code failedSubmitTime}, failed with {@code failCode}, which is worth another
     * attempt; the sink task owning the request's input partition creates it (attempt numbers go on
     * after {@code failedAttempt}). {@code unavailable}: the code says the API cannot do the work now.
     */
    public static TrackingRecord retry(TrackedRequest r, String failedTaskId, int failedAttempt, String failCode, String failMsg,
                                       boolean unavailable, long failedSubmitTime) {
        RequestIdentity id = r.identity();
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.RETRY, id.connector(), r.requestId(), failedTaskId, failedSubmitTime,
                id.coordinates(), failedAttempt, List.of(), null, null, r.requestType(), r.provider(), r.input(), r.headers(), failCode,
                failMsg, unavailable, null, null, null, null, List.of(failedTaskId), null);
    }

    /** This RETRY naming every task of the request the source knew of, and when it gives up ({@code until}, null: never). */
    public TrackingRecord withRetryScope(List<String> tasks, Long until) {
        return new TrackingRecord(version, type, connector, requestId, taskId, time, source, attempt, earlierAttempts, reused, adopted,
                requestType, provider, input, headers, failCode, failMsg, unavailable, httpStatus, failDetail, callbackState, callbackBody,
                tasks, until);
    }

    @JsonIgnore
    public boolean isUnavailable() {
        return Boolean.TRUE.equals(unavailable);
    }

    /**
     * The API's webhook for {@code taskId}; {@code identity} is the request the callback URL named,
     * or null for a URL without one (then the record is keyed by the task id).
     */
    public static TrackingRecord callback(RequestIdentity identity, String taskId, long receivedTime, String state, String body) {
        return new TrackingRecord(CURRENT_VERSION, TrackingRecordType.CALLBACK, identity == null ? null : identity.connector(), null,
                taskId, receivedTime, identity == null ? null : identity.coordinates(), null, List.of(), null, null, null, null, null, Map.of(),
                null, null, null, null, null, state, body, null, null);
    }

    private static TrackingRecord of(TrackingRecordType type, TrackedRequest r, long time, String taskId, Integer attempt,
                                     List<Attempt> earlier, Boolean reused) {
        RequestIdentity id = r.identity();
        return new TrackingRecord(CURRENT_VERSION, type, id.connector(), r.requestId(), taskId, time, id.coordinates(), attempt, earlier,
                reused, null, r.requestType(), r.provider(), r.input(), r.headers(), null, null, null, null, null, null, null, null, null);
    }

    /** The request's identity; null for a version 1 record or a callback whose URL named none. */
    @JsonIgnore
    public RequestIdentity identity() {
        return connector == null || source == null ? null : RequestIdentity.of(connector, source);
    }

    /** What the record says about its request, for building events. */
    @JsonIgnore
    public TrackedRequest request() {
        return new TrackedRequest(identity(), requestId, requestType, provider, input, headers);
    }

    @JsonIgnore
    public boolean isReused() {
        return Boolean.TRUE.equals(reused);
    }

    @JsonIgnore
    public boolean isAdopted() {
        return Boolean.TRUE.equals(adopted);
    }

    /** The Kafka key: the identity when known, else the task id, else the request id. */
    @JsonIgnore
    public String key() {
        RequestIdentity id = identity();
        if (id != null) {
            return id.key();
        }
        return taskId != null ? taskId : requestId;
    }
}
