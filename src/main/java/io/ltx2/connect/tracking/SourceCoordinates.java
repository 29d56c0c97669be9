package io.ltx2.connect.tracking;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a request record came from: its original topic, partition and offset (KIP-793). */
public record SourceCoordinates(
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset) {

    /** The fallback request id of the design: {@code topic-partition-offset}. */
    public String asRequestId() {
        return topic + "-" + partition + "-" + offset;
    }
}
