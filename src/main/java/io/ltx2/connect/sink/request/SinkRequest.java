package io.ltx2.connect.sink.request;

import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.InputValidator;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request read from one record and completed with the connector's defaults: what is validated,
 * sent, and echoed in its tracking records.
 *
 * @param identity  who the request is: the connector and the record's original coordinates
 * @param requestId the label users chose (or the key, or the coordinates); not unique
 * @param headers   the record's headers that travel with the request (trace context)
 */
public record SinkRequest(RequestIdentity identity, String requestId, String provider, GenerationInput input, Map<String, String> headers) {

    public SinkRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** Every reason the API would refuse this request, each naming its field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(InputValidator.problems(input));
        if (!ContractLimits.PROVIDERS.contains(provider)) {
            problems.add("provider: must be one of " + ContractLimits.PROVIDERS + ", was '" + provider + "'");
        }
        return problems;
    }

    /** Seconds of video the request is billed for; the defaults always fill in a duration. */
    public int seconds() {
        Integer d = input == null ? null : input.duration();
        return d == null ? ContractLimits.DURATION_MAX : d;
    }

    /** What its tracking records carry. */
    public TrackedRequest tracked(String requestType) {
        return new TrackedRequest(identity, requestId, requestType, provider, input, headers);
    }
}
