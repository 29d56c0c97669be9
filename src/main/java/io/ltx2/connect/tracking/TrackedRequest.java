package io.ltx2.connect.tracking;

import io.ltx2.connect.api.GenerationInput;

import java.util.Map;

/**
 * What every tracking record of a request repeats, so that any one of them (an INTENT alone, for
 * a task adopted through its callback) is enough to build the request's event.
 *
 * @param requestId   the label: the {@code request_id} field, a string key, or topic-partition-offset
 * @param requestType {@code async} or {@code callback}
 * @param provider    the routing strategy sent
 * @param input       the input as sent (as parsed for a rejected request; may be null)
 * @param headers     the request record's headers chosen to travel with it (trace context); may be empty
 */
public record TrackedRequest(RequestIdentity identity, String requestId, String requestType, String provider, GenerationInput input,
                             Map<String, String> headers) {

    public TrackedRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
