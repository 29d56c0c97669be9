package io.ltx2.connect.sink;

import io.ltx2.connect.testkit.LogConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * A {@link LogConsumer} over one-partition topics held in lists (a record's offset is its index),
 * for code that scans or follows the tracking topic: what a test appends is there for the next poll.
 */
class ScanConsumer extends LogConsumer {
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> topics;

    ScanConsumer(String topic, List<ConsumerRecord<byte[], byte[]>> records) {
        this(Map.of(topic, records));
    }

    ScanConsumer(Map<String, List<ConsumerRecord<byte[], byte[]>>> topics) {
        super(new Logs() {
            @Override
            public List<PartitionInfo> infos(String topic) {
                return topics.containsKey(topic) ? List.of(new PartitionInfo(topic, 0, null, null, null)) : List.of();
            }

            @Override
            public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp) {
                return topics.getOrDefault(tp.topic(), List.of());
            }
        });
        this.topics = topics;
    }

    /** Appends a record to its topic (as a producer would), visible to the next poll. */
    synchronized void append(ConsumerRecord<byte[], byte[]> record) {
        topics.get(record.topic()).add(record);
    }
}
