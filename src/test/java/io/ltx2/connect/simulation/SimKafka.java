package io.ltx2.connect.simulation;

import io.ltx2.connect.testkit.LogConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The simulation's Kafka: topics of partitions of records, in memory. What is appended is durable
 * and visible to every reader at once (acks=all, read_committed: the simulation has no aborted
 * transactions). A topic can be recreated (a new id, offsets from 0) and grow partitions.
 */
final class SimKafka {
    static final Node BROKER = new Node(0, "127.0.0.1", 9092);

    /** One record as stored. */
    record Rec(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers, String writer) {
    }

    static final class Topic {
        final String name;
        String id;
        int incarnation;
        final List<List<Rec>> partitions = new ArrayList<>();

        Topic(String name) {
            this.name = name;
        }
    }

    private final VirtualTime time;
    private final Map<String, Topic> topics = new LinkedHashMap<>();
    private final List<Consumer<TopicPartition>> listeners = new ArrayList<>();

    SimKafka(VirtualTime time) {
        this.time = time;
    }

    void create(String name, int partitions) {
        Topic t = new Topic(name);
        t.id = idOf(name, 0);
        for (int p = 0; p < partitions; p++) {
            t.partitions.add(new ArrayList<>());
        }
        topics.put(name, t);
    }

    /** Deletes and creates the topic again: same name and partition count, a new id, empty partitions. */
    void recreate(String name) {
        Topic t = topic(name);
        t.incarnation++;
        t.id = idOf(name, t.incarnation);
        t.partitions.replaceAll(p -> new ArrayList<>());
    }

    void addPartitions(String name, int count) {
        Topic t = topic(name);
        for (int i = 0; i < count; i++) {
            t.partitions.add(new ArrayList<>());
        }
    }

    private static String idOf(String name, int incarnation) {
        return "id-" + name + "-" + incarnation;
    }

    Topic topic(String name) {
        Topic t = topics.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no topic " + name);
        }
        return t;
    }

    boolean exists(String name) {
        return topics.containsKey(name);
    }

    int partitionCount(String name) {
        return topic(name).partitions.size();
    }

    List<Rec> partition(String topic, int partition) {
        return topic(topic).partitions.get(partition);
    }

    List<PartitionInfo> infos(String name) {
        List<PartitionInfo> out = new ArrayList<>();
        Topic t = topics.get(name);
        if (t == null) {
            return out;
        }
        for (int p = 0; p < t.partitions.size(); p++) {
            out.add(new PartitionInfo(name, p, BROKER, new Node[]{BROKER}, new Node[]{BROKER}));
        }
        return out;
    }

    /** The default partitioner's choice for a keyed record. */
    int partitionFor(String topic, byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % partitionCount(topic);
    }

    Rec append(String topic, int partition, byte[] key, byte[] value, Headers headers, String writer) {
        List<Rec> log = partition(topic, partition);
        Rec r = new Rec(topic, partition, log.size(), time.millis(), key, value,
                headers == null ? new RecordHeaders() : new RecordHeaders(headers.toArray()), writer);
        log.add(r);
        TopicPartition tp = new TopicPartition(topic, partition);
        listeners.forEach(l -> l.accept(tp));
        return r;
    }

    /** The partitions as a {@link LogConsumer}'s logs: their records as a consumer reads them. */
    LogConsumer.Logs logs() {
        return new LogConsumer.Logs() {
            @Override
            public List<PartitionInfo> infos(String topic) {
                return SimKafka.this.infos(topic);
            }

            @Override
            public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp) {
                List<Rec> log = partition(tp.topic(), tp.partition());
                return new AbstractList<>() {
                    @Override
                    public ConsumerRecord<byte[], byte[]> get(int i) {
                        return SimConsumer.toConsumerRecord(log.get(i));
                    }

                    @Override
                    public int size() {
                        return log.size();
                    }
                };
            }
        };
    }

    /** Told of every append (the workers wake the tasks that read the partition). */
    void onAppend(Consumer<TopicPartition> listener) {
        listeners.add(listener);
    }
}
