package io.ltx2.connect.simulation;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A task's producer on {@link SimKafka}: a record is appended, and acknowledged, after a virtual
 * latency. When its node crashes first, each write still in flight is either already on the broker
 * (appended, never acknowledged) or lost, as the seed decides.
 */
final class SimProducer extends MockProducer<String, byte[]> {
    private final SimKafka kafka;
    private final SimNode node;
    private final VirtualTime time;
    private final Random random;
    private final List<Pending> inFlight = new ArrayList<>();

    SimProducer(SimKafka kafka, SimNode node, VirtualTime time, Random random) {
        super(false, null, new StringSerializer(), new ByteArraySerializer());
        this.kafka = kafka;
        this.node = node;
        this.time = time;
        this.random = random;
    }

    /** A write on its way to the broker (identity matters: two equal records are two writes). */
    private static final class Pending {
        final ProducerRecord<String, byte[]> record;
        final byte[] key;
        final int partition;

        Pending(ProducerRecord<String, byte[]> record, byte[] key, int partition) {
            this.record = record;
            this.key = key;
            this.partition = partition;
        }
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        int partition = record.partition() != null ? record.partition() : kafka.partitionFor(record.topic(), key);
        Pending write = new Pending(record, key, partition);
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        inFlight.add(write);
        time.io(latency(), node, () -> {
            if (inFlight.remove(write)) {
                RecordMetadata metadata = land(write);
                done.complete(metadata);
                if (callback != null) {
                    callback.onCompletion(metadata, null);
                }
            }
        });
        return done;
    }

    private RecordMetadata land(Pending w) {
        SimKafka.Rec r = kafka.append(w.record.topic(), w.partition, w.key, w.record.value(), w.record.headers(), node.name());
        return new RecordMetadata(new TopicPartition(r.topic(), r.partition()), r.offset(), 0, r.timestamp(),
                w.key == null ? -1 : w.key.length, w.record.value() == null ? -1 : w.record.value().length);
    }

    private long latency() {
        return (1 + random.nextInt(15)) * 1_000_000L;
    }

    /** The node died: each write in flight reached the broker (never acknowledged), or not. */
    void crashed() {
        for (Pending write : inFlight) {
            if (random.nextBoolean()) {
                time.io(latency(), null, () -> land(write));
            }
        }
        inFlight.clear();
    }

    @Override
    public synchronized List<PartitionInfo> partitionsFor(String topic) {
        return kafka.infos(topic);
    }

    @Override
    public synchronized void flush() {
    }

    @Override
    public synchronized void close(java.time.Duration timeout) {
    }
}
