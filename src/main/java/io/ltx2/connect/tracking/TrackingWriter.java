package io.ltx2.connect.tracking;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A producer of tracking records: idempotent with {@code acks=all} (see {@link TrackingClients}),
 * so an acknowledged record is durable and a producer retry never writes it twice. The sink lets
 * Connect commit an input offset only after the acknowledgement; the callback receiver answers the
 * API only after it.
 */
public final class TrackingWriter implements AutoCloseable {
    private final String topic;
    private final Producer<String, byte[]> producer;

    public TrackingWriter(String topic, Producer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    public static TrackingWriter create(String topic, Map<String, Object> clientProps, String clientId) {
        return new TrackingWriter(topic, new KafkaProducer<>(TrackingClients.producerProps(clientProps, clientId)));
    }

    public String topic() {
        return topic;
    }

    /**
     * Fetches the topic's metadata now, so that the first write does not wait for it (a create must
     * not be answered long before its record can be written: that widens the crash window).
     *
     * @return the topic's partition count
     * @throws ConnectException when the topic does not exist or its metadata does not arrive within the producer's max.block.ms
     */
    public int awaitReady() {
        List<PartitionInfo> partitions;
        try {
            partitions = producer.partitionsFor(topic);
        } catch (KafkaException e) {
            throw new ConnectException("Tracking topic " + topic + " cannot be written (does it exist?): " + e.getMessage(), e);
        }
        if (partitions == null || partitions.isEmpty()) {
            throw new ConnectException("Tracking topic " + topic + " does not exist: create it before starting the connectors");
        }
        return partitions.size();
    }

    /** Completes when the broker has acknowledged the record. */
    public CompletableFuture<RecordMetadata> write(TrackingRecord record) {
        return write(record, null);
    }

    /** Same, with Kafka headers on the record (null for none). */
    public CompletableFuture<RecordMetadata> write(TrackingRecord record, Headers headers) {
        byte[] value;
        try {
            value = TrackingRecordCodec.encode(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return acked(new ProducerRecord<>(topic, null, record.key(), value, headers));
    }

    /** A record of another topic through the same producer (the sink's spend checkpoints); completes when acknowledged. */
    public CompletableFuture<RecordMetadata> send(String otherTopic, String key, byte[] value) {
        return acked(new ProducerRecord<>(otherTopic, key, value));
    }

    private CompletableFuture<RecordMetadata> acked(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
