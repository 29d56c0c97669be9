package io.ltx2.connect.source;

import org.apache.kafka.connect.errors.ConnectException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The source's Connect partitions and offsets: a partition is {@code {"topic": <tracking topic>,
 * "partition": <n>}}, its offset the {@link PartitionProgress} on it. Also checks what a user
 * sends through the REST API (KIP-875) before the worker writes it.
 */
public final class SourceOffsets {
    static final String PARTITION_TOPIC_KEY = "topic";
    static final String PARTITION_KEY = "partition";
    private static final Set<String> PARTITION_KEYS = Set.of(PARTITION_TOPIC_KEY, PARTITION_KEY);

    private SourceOffsets() {
    }

    /** The Connect source partition of a tracking partition. */
    static Map<String, Object> partition(String trackingTopic, int partition) {
        Map<String, Object> m = new HashMap<>();
        m.put(PARTITION_TOPIC_KEY, trackingTopic);
        m.put(PARTITION_KEY, partition);
        return m;
    }

    /**
     * @throws ConnectException naming the first problem: partitions must be {@code {"topic": <tracking topic>,
     *                          "partition": <int >= 0>}}, offsets null (reset) or {@code {"watermark": <int >= 0>}}
     *                          with optionally {@code resolved}, {@code topicId} and {@code v} as written by the connector
     */
    public static void validate(String trackingTopic, Map<Map<String, ?>, Map<String, ?>> offsets) {
        if (offsets == null) {
            return;
        }
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            Map<String, ?> partition = e.getKey();
            if (partition == null || !partition.keySet().equals(PARTITION_KEYS)) {
                throw new ConnectException("Source partition " + partition + " must have exactly the keys 'topic' (the tracking topic, "
                        + trackingTopic + ") and 'partition' (a tracking partition number)");
            }
            Object topic = partition.get(PARTITION_TOPIC_KEY);
            if (!trackingTopic.equals(topic)) {
                throw new ConnectException("Source partition " + partition + ": 'topic' must be the tracking topic '" + trackingTopic + "'");
            }
            Object p = partition.get(PARTITION_KEY);
            if (!(p instanceof Integer || p instanceof Long || p instanceof Short) || ((Number) p).longValue() < 0
                    || ((Number) p).longValue() > Integer.MAX_VALUE) {
                throw new ConnectException("Source partition " + partition + ": 'partition' must be an integer >= 0, was " + p);
            }
            Map<String, ?> offset = e.getValue();
            if (offset == null) {
                continue; // reset: the task starts that partition from its beginning
            }
            try {
                PartitionProgress.fromOffset(offset);
            } catch (IllegalArgumentException bad) {
                throw new ConnectException("Source offset for " + partition + " is invalid: " + bad.getMessage());
            }
        }
    }
}
