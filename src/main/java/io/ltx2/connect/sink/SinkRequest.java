package io.ltx2.connect.sink;

import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.InputValidator;
import io.ltx2.connect.tracking.SourceCoordinates;

import java.util.ArrayList;
import java.util.List;

/**
 * A request read from one record and completed with the connector's defaults: what is validated,
 * sent, and echoed in the tracking record.
 *
 * @param source the record's original coordinates (KIP-793), which key the offsets and the dedup index
 */
public record SinkRequest(String requestId, SourceCoordinates source, String provider, GenerationInput input) {

    /** Every reason the API would refuse this request, each naming its field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(InputValidator.problems(input));
        if (!ContractLimits.PROVIDERS.contains(provider)) {
            problems.add("provider: must be one of " + ContractLimits.PROVIDERS + ", was '" + provider + "'");
        }
        return problems;
    }
}
