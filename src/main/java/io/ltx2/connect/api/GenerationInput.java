package io.ltx2.connect.api;

import io.ltx2.connect.util.SharedStrings;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The API's {@code input} object. Fields are nullable so that a request can be parsed first and
 * completed with the connector's defaults afterwards; {@link io.ltx2.connect.api.InputValidator}
 * checks a completed input against the contract.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationInput(
        @JsonProperty("mode") String mode,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("resolution") String resolution,
        @JsonProperty("duration") Integer duration,
        @JsonProperty("aspect_ratio") String aspectRatio,
        @JsonProperty("image_urls") List<String> imageUrls,
        @JsonProperty("seed") Long seed,
        @JsonProperty("loras") List<Lora> loras) {

    public GenerationInput {
        mode = SharedStrings.of(mode);
        resolution = SharedStrings.of(resolution);
        aspectRatio = SharedStrings.of(aspectRatio);
        imageUrls = imageUrls == null ? null : List.copyOf(imageUrls);
        loras = loras == null ? null : List.copyOf(loras);
    }

    /** Derived, not a field of the contract: never serialised into a request. */
    @JsonIgnore
    public boolean isImageMode() {
        return Mode.fromWire(mode).map(Mode::usesImage).orElse(false);
    }
}
