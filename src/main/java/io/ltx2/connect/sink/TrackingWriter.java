package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The task's own producer of tracking records. Idempotent with {@code acks=all}, so an acknowledged
 * record is durable and a producer retry never writes it twice; the sink commits an input offset
 * only after the acknowledgement.
 */
final class TrackingWriter implements AutoCloseable {
    private final String topic;
    private final Producer<String, byte[]> producer;

    TrackingWriter(String topic, Producer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    static TrackingWriter create(String topic, Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new TrackingWriter(topic, new KafkaProducer<>(props));
    }

    String topic() {
        return topic;
    }

    /** Completes when the broker has acknowledged the record. */
    CompletableFuture<RecordMetadata> write(TrackingRecord record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, record.key(), TrackingRecordCodec.encode(record)), (metadata, error) -> {
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
