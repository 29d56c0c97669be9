package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.KafkaAccess;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The RETRY records the source writes when a task failed with a fail code worth another attempt:
 * this task follows the tracking topic from its end (a RETRY written while no task followed is
 * written again by the source when no new attempt comes) and hands over the ones of its connector.
 * Only the record's type header is read of the other records. Task thread only.
 */
final class RetryRequests implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetryRequests.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final String connector;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private Consumer<byte[], byte[]> consumer;

    RetryRequests(String topic, String connector, Supplier<Consumer<byte[], byte[]>> consumers) {
        this.topic = topic;
        this.connector = connector;
        this.consumers = consumers;
    }

    /** The RETRY records of this connector that arrived since the last call; the consumer starts at the topic's end. */
    List<TrackingRecord> poll() {
        try {
            if (consumer == null) {
                start();
            }
            List<TrackingRecord> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
                TrackingRecord retry = retryOf(r);
                if (retry != null) {
                    out.add(retry);
                }
            }
            return out;
        } catch (KafkaException e) {
            ConnectException denied = KafkaAccess.explain(e, "Read", topic);
            if (denied != null) {
                throw denied; // not a passing trouble: the task fails, naming the missing ACL, instead of a WARN every put
            }
            log.warn("Cannot read the tracking topic for RETRY records right now; will try again (the source asks again meanwhile)", e);
            return List.of();
        }
    }

    private TrackingRecord retryOf(ConsumerRecord<byte[], byte[]> r) {
        if (TrackingWriter.typeOf(r.headers()) != TrackingRecordType.RETRY) {
            return null;
        }
        try {
            TrackingRecord record = TrackingRecordCodec.decode(r.value());
            return record.type() == TrackingRecordType.RETRY && connector.equals(record.connector()) && record.identity() != null
                    && record.attempt() != null ? record : null;
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return null;
        }
    }

    private void start() {
        Consumer<byte[], byte[]> c = consumers.get();
        try {
            List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
            List<TopicPartition> partitions = infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToEnd(partitions);
            partitions.forEach(tp -> c.position(tp, METADATA_TIMEOUT)); // the end as it is now: later RETRY records are read
        } catch (RuntimeException e) {
            c.close(Duration.ofSeconds(2));
            throw e;
        }
        consumer = c;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
            consumer = null;
        }
    }
}
