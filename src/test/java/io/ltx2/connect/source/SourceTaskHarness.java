package io.ltx2.connect.source;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSourceTaskConfig;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source task (task 0 of connector "unit", fast poll settings) whose tracking topic is Kafka's
 * MockConsumer, against the API at a given URL: start it with stored offsets, add tracking records,
 * poll until events come.
 */
final class SourceTaskHarness {
    static final String TOPIC = "tracking";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final MockConsumer<byte[], byte[]> consumer;
    private final LtxSourceTask task;
    /** Where the task's RETRY records go. */
    final org.apache.kafka.clients.producer.MockProducer<String, byte[]> retries = new org.apache.kafka.clients.producer.MockProducer<>(
            true, null, new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());

    SourceTaskHarness(String topicId) {
        this(topicId, new MockConsumer<>("earliest"));
    }

    /** With a consumer of the test's own (one that fails some calls, say). */
    SourceTaskHarness(String topicId, MockConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
        task = new LtxSourceTask(io.ltx2.connect.util.TaskEnvironment.SYSTEM, props -> consumer, props -> topic -> topicId, LtxApiClient::new,
                props -> retries, io.ltx2.connect.callback.CallbackReceivers::acquire);
    }

    LtxSourceTask task() {
        return task;
    }

    void start(String apiUrl, Map<String, Object> storedOffset, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "unit");
        props.put("ltx.api.url", apiUrl);
        props.put("ltx.api.key", "k");
        props.put("ltx.tracking.topic", TOPIC);
        props.put("ltx.tracking.bootstrap.servers", "127.0.0.1:1");
        props.put("ltx.poll.time.scale", "0.01");
        props.put("ltx.poll.min.interval.ms", "20");
        props.put("ltx.poll.max.interval.ms", "200");
        props.put("ltx.poll.target.delay.ms", "40");
        props.put(LtxSourceTaskConfig.TASK_PARTITIONS, "0");
        props.putAll(extra);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, 100L));
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new StoredOffsets(storedOffset);
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
    }

    /** Appends a tracking record at {@code offset} of partition 0. */
    void add(long offset, TrackingRecord r) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r)));
    }

    /** Polls until {@code n} records came or {@code max} passed. */
    List<SourceRecord> pollFor(int n, Duration max) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long end = System.currentTimeMillis() + max.toMillis();
        while (System.currentTimeMillis() < end && out.size() < n) {
            List<SourceRecord> got = task.poll();
            if (got != null) {
                out.addAll(got);
            }
        }
        return out;
    }

    void stop() {
        task.stop();
    }

    /** The same stored offset for every partition asked about. */
    record StoredOffsets(Map<String, Object> offset) implements OffsetStorageReader {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return offset;
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> m = new HashMap<>();
            partitions.forEach(p -> m.put(p, offset));
            return m;
        }
    }
}
