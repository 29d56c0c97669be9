package io.ltx2.connect.tracking;

import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.errors.ConnectException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A producer of tracking records: idempotent with {@code acks=all} (see {@link TrackingClients}),
 * so an acknowledged record is durable and a producer retry never writes it twice. The sink lets
 * Connect commit an input offset only after the acknowledgement; the callback receiver answers the
 * API only after it.
 *
 * <p>The returned futures complete on a thread of this writer, never on the producer's network
 * thread: what runs after an acknowledgement (the next create's INTENT, an answer's outcome) may
 * send again, and a send that blocks (buffer full, metadata missing) on the network thread would
 * stall the very thread that has to make room. Completions keep their order.
 *
 * <p>Every record carries the header {@value #TYPE_HEADER} (its {@link TrackingRecordType}), so
 * that a reader following the whole topic for a few kinds of record can skip the others undecoded.
 */
public final class TrackingWriter implements AutoCloseable {
    /** The header naming a tracking record's type. */
    public static final String TYPE_HEADER = "ltx.type";

    private final String topic;
    private final Producer<String, byte[]> producer;
    private final TaskEnvironment.Serial acks;

    public TrackingWriter(String topic, Producer<String, byte[]> producer) {
        this(topic, producer, TaskEnvironment.SYSTEM);
    }

    /** Completions run on {@code env}'s serial executor (the protocol simulation's queue in tests). */
    public TrackingWriter(String topic, Producer<String, byte[]> producer, TaskEnvironment env) {
        this.topic = topic;
        this.producer = producer;
        this.acks = env.serial("ltx-tracking-acks-" + topic);
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
            ConnectException denied = KafkaAccess.explain(e, "Describe", topic);
            throw denied != null ? denied : new ConnectException("Tracking topic " + topic + " cannot be written (does it exist?): "
                    + e.getMessage(), e);
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
        return write(record, headers, null);
    }

    /**
     * Same, on tracking partition {@code partition}: the one the request's earlier records are on
     * (null: the key's hash, for its first record). Hashing alone would move a request's later records
     * to another partition once partitions are added to the topic, and readers rely on their order.
     */
    public CompletableFuture<RecordMetadata> write(TrackingRecord record, Headers headers, Integer partition) {
        byte[] value;
        try {
            value = TrackingRecordCodec.encode(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        RecordHeaders all = headers == null ? new RecordHeaders() : new RecordHeaders(headers.toArray());
        all.add(TYPE_HEADER, record.type().name().getBytes(StandardCharsets.UTF_8));
        return acked(new ProducerRecord<>(topic, existing(partition), record.key(), value, all));
    }

    /** {@code partition} if the topic has it (a number from a callback URL may not), else null: the key's hash decides. */
    private Integer existing(Integer partition) {
        if (partition == null) {
            return null;
        }
        try {
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            return partitions != null && partition < partitions.size() ? partition : null;
        } catch (KafkaException e) {
            return null;
        }
    }

    /** The type a tracking record's {@value #TYPE_HEADER} header names; null for a record without one (written by an older version). */
    public static TrackingRecordType typeOf(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(TYPE_HEADER);
        if (h == null || h.value() == null) {
            return null;
        }
        try {
            return TrackingRecordType.valueOf(new String(h.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /** A record of another topic through the same producer (the sink's spend checkpoints); completes when acknowledged. */
    public CompletableFuture<RecordMetadata> send(String otherTopic, String key, byte[] value) {
        return acked(new ProducerRecord<>(otherTopic, key, value));
    }

    private CompletableFuture<RecordMetadata> acked(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> completeOffThread(() -> {
                if (error != null) {
                    ConnectException denied = KafkaAccess.explain(error, "Write", record.topic());
                    acked.completeExceptionally(denied != null ? denied : error);
                } else {
                    acked.complete(metadata);
                }
            }));
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    private void completeOffThread(Runnable completion) {
        try {
            acks.execute(completion);
        } catch (RejectedExecutionException closed) {
            completion.run(); // closing: the producer's last callbacks complete where they are
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        acks.close(5_000);
    }
}
