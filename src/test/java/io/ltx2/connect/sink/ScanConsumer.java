package io.ltx2.connect.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's MockConsumer over a one-partition topic holding the given records, with the
 * {@code offsetsForTimes} it lacks (the first record at or after the time), for code that scans or
 * follows the tracking topic.
 */
class ScanConsumer extends MockConsumer<byte[], byte[]> {
    private final TopicPartition tp;
    private final List<ConsumerRecord<byte[], byte[]>> log;

    ScanConsumer(String topic, List<ConsumerRecord<byte[], byte[]>> records) {
        super("earliest");
        this.tp = new TopicPartition(topic, 0);
        this.log = records;
        updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
        updateBeginningOffsets(Map.of(tp, 0L));
        updateEndOffsets(Map.of(tp, (long) records.size()));
    }

    @Override
    public synchronized void assign(java.util.Collection<TopicPartition> partitions) {
        super.assign(partitions);
        if (partitions.contains(tp)) {
            log.forEach(this::addRecord);
        }
    }

    @Override
    public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query, Duration timeout) {
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        query.forEach((p, time) -> {
            if (time < 0) { // as KafkaConsumer does
                throw new IllegalArgumentException("The target time for partition " + p + " is " + time + ". The target time cannot be negative.");
            }
            OffsetAndTimestamp found = null;
            for (ConsumerRecord<byte[], byte[]> r : log) {
                if (r.timestamp() >= time) {
                    found = new OffsetAndTimestamp(r.offset(), r.timestamp());
                    break;
                }
            }
            out.put(p, found);
        });
        return out;
    }

    /** Appends a record to the topic (as a producer would), visible to the next poll. */
    synchronized void append(ConsumerRecord<byte[], byte[]> record) {
        log.add(record);
        updateEndOffsets(Map.of(tp, (long) log.size()));
        if (assignment().contains(tp)) {
            addRecord(record);
        }
    }
}
