package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an event says about its request whatever the outcome: who the request is, its label and
 * input, the task the event reports and the create attempts around it.
 *
 * @param identity        the request (never null: version 1 records get one from their coordinates)
 * @param requestId       the label: the event's key
 * @param source          the request record's original coordinates; may be null
 * @param input           the input as sent (or as parsed, for a rejected request); may be null
 * @param headers         the request record's headers that travel to the event (trace context)
 * @param taskId          the API task the event reports; null for a rejected request
 * @param submitTime      when the reported create was accepted (the INTENT's time for an adopted task, the rejection's time)
 * @param attempt         the create attempt of the reported task; null when unknown or rejected
 * @param earlierAttempts the other create attempts of the request, besides the reported one, that may have made, and
 *                        billed, a task: INTENTs not withdrawn (above or below it), those the sink's records named, and
 *                        the attempts of the other tasks followed
 * @param adopted         the task was adopted through its callback (its create was never answered)
 * @param otherTaskIds    the ids of the request's other known tasks: the other tasks followed, and orphans' callbacks
 */
public record RequestFacts(RequestIdentity identity, String requestId, SourceCoordinates source, GenerationInput input,
                    Map<String, String> headers, String taskId, long submitTime, Integer attempt, List<Attempt> earlierAttempts,
                    boolean adopted, List<String> otherTaskIds) {

    public RequestFacts {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(requestId, "requestId");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        earlierAttempts = earlierAttempts == null ? List.of() : List.copyOf(earlierAttempts);
        otherTaskIds = otherTaskIds == null ? List.of() : List.copyOf(otherTaskIds);
    }

    /** The facts of a request as {@code origin} (its SUBMITTED, REJECTED or, for an adopted task, INTENT record) tells them. */
    static RequestFacts of(RequestIdentity identity, TrackingRecord origin, String taskId, long submitTime, Integer attempt, boolean adopted,
                           List<Attempt> earlierAttempts, List<String> otherTaskIds) {
        return new RequestFacts(identity, requestIdOf(origin, identity), origin.source(), origin.input(), origin.headers(), taskId,
                submitTime, attempt, earlierAttempts, adopted, otherTaskIds);
    }

    /** The record's request id; records without one fall back to the design's topic-partition-offset. */
    static String requestIdOf(TrackingRecord record, RequestIdentity identity) {
        if (record.requestId() != null) {
            return record.requestId();
        }
        return record.source() != null ? record.source().asRequestId() : identity.key();
    }
}
