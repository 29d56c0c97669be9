package io.ltx2.connect.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One LoRA adapter of a LoRA mode: a downloadable weights URL and its influence. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Lora(@JsonProperty("path") String path, @JsonProperty("scale") Double scale) {
    @JsonCreator
    public Lora {
    }
}
