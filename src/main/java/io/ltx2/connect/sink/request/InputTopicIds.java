package io.ltx2.connect.sink.request;

import io.ltx2.connect.tracking.TopicIds;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ids of the input topics, for requests' identities: described once per topic and ownership (a
 * recreated topic's partitions are assigned anew, and its id is described again then: a stale id
 * would make the next owner take this task's records for another topic's). Task thread only.
 */
public final class InputTopicIds {
    private final TopicIds ids;
    private final Map<String, Optional<String>> known = new HashMap<>();

    public InputTopicIds(TopicIds ids) {
        this.ids = ids;
    }

    /** The topic's id; null when it cannot be told (requests are then identified as by older versions). */
    public String idOf(String topic) {
        return known.computeIfAbsent(topic, t -> Optional.ofNullable(ids.idOf(t))).orElse(null);
    }

    public void assigned(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> known.remove(tp.topic()));
    }
}
