package io.ltx2.connect.tracking;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the connectors' own clients of the tracking (and events) topics, from the
 * {@code ltx.tracking.*} keys: each client keeps only the settings it knows (so a consumer-only
 * key never produces a warning in a producer), plus what the guarantees need.
 */
public final class TrackingClients {

    private TrackingClients() {
    }

    /** An idempotent producer with {@code acks=all}: an acknowledged record is durable and written once. */
    public static Map<String, Object> producerProps(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // Each record is awaited (an INTENT holds its create back; a SUBMITTED closes the crash window):
        // send at once rather than wait to fill a batch; records still batch while one is in flight.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /**
     * A consumer without a group (manual assignment, no committed offsets), reading only committed
     * transactions: an aborted record never counts.
     */
    public static Map<String, Object> consumerProps(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /**
     * As {@link #consumerProps}, for a background reader that follows a topic for good and whose
     * records may wait a little: the broker answers a fetch once {@code maxWait} has passed or 16 KiB
     * (about a dozen events) are there, so the reader wakes for a batch of records, not once per
     * record (the sink's concurrency cap reads the events topic so, the source its tracking topic).
     */
    public static Map<String, Object> batchingFollowerProps(Map<String, Object> clientProps, String clientId, Duration maxWait) {
        Map<String, Object> props = consumerProps(clientProps, clientId);
        props.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 16 * 1024);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) maxWait.toMillis());
        return props;
    }

    /** An Admin client of the tracking cluster (the sink creates its spend checkpoint topic with it). */
    public static Map<String, Object> adminProps(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.keySet().retainAll(AdminClientConfig.configNames());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** As {@link #consumerProps}, for a one-off catch-up read: the broker does not hold fetches back waiting for more data. */
    public static Map<String, Object> scanProps(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = consumerProps(clientProps, clientId);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        return props;
    }
}
