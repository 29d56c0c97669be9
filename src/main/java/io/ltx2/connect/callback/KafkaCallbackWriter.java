package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;

/** Writes CALLBACK records to the tracking topic, keyed by task id so they land on the SUBMITTED record's partition. */
final class KafkaCallbackWriter implements CallbackWriter {
    private final Producer<byte[], byte[]> producer;
    private final String topic;

    KafkaCallbackWriter(Map<String, Object> clientProps, String topic, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // Consumer-only settings given under ltx.tracking. would only produce warnings here.
        props.keySet().removeIf(k -> k.startsWith("isolation.") || k.startsWith("auto.offset") || k.startsWith("group.")
                || k.startsWith("max.poll") || k.startsWith("fetch."));
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
    }

    @Override
    public Future<?> write(TrackingRecord record) {
        return producer.send(new ProducerRecord<>(topic, record.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(record)));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
