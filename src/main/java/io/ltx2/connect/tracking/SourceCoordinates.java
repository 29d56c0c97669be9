package io.ltx2.connect.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ltx2.connect.util.SharedStrings;

/**
 * Where a request record came from: its original topic, partition and offset (KIP-793), and the
 * topic's id where known (null from older versions, or when it could not be described): optional in
 * the JSON, which older readers ignore.
 */
public record SourceCoordinates(
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset,
        @JsonProperty("topicId") @JsonInclude(JsonInclude.Include.NON_NULL) String topicId) {

    public SourceCoordinates {
        topic = SharedStrings.of(topic);
        topicId = SharedStrings.of(topicId);
    }

    public SourceCoordinates(String topic, int partition, long offset) {
        this(topic, partition, offset, null);
    }

    /** The fallback request id of the design: {@code topic-partition-offset}. */
    public String asRequestId() {
        return topic + "-" + partition + "-" + offset;
    }
}
