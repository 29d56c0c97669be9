package io.ltx2.connect.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /generateTask/{model}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateTaskRequest(
        @JsonProperty("request_type") String requestType,
        @JsonProperty("callback_url") String callbackUrl,
        @JsonProperty("provider") String provider,
        @JsonProperty("input") GenerationInput input) {

    /** Never print the callback URL: it carries the receiver's secret token. */
    @Override
    public String toString() {
        return "CreateTaskRequest[requestType=" + requestType + ", callbackUrl=" + (callbackUrl == null ? null : "<redacted>")
                + ", provider=" + provider + ", input=" + input + "]";
    }
}
