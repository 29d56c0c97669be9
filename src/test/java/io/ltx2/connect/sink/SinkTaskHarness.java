package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink task without a broker: Kafka's MockProducer as its tracking producer, a one-partition
 * in-memory tracking topic (what earlier task instances wrote, plus what a test appends) behind
 * its reader of the tracking cluster, the same for the spend checkpoint topic (Kafka's MockAdminClient
 * finds it), and the project's simulator as the API. Restarting makes a new task instance over the
 * same topics.
 */
final class SinkTaskHarness implements AutoCloseable {
    static final String INPUT = "requests";
    static final String TRACKING = "tracking";
    static final String BUDGET = TRACKING + ".budget";
    private static final Node NODE = new Node(0, "localhost", 9092);

    final ApiSimulator sim;
    final String connector;
    final FakeSinkContext context = new FakeSinkContext();
    /** The tracking topic: what earlier producers wrote and tests appended. */
    private final List<ConsumerRecord<byte[], byte[]>> topic = new CopyOnWriteArrayList<>();
    /** The spend checkpoint topic. */
    private final List<ConsumerRecord<byte[], byte[]>> budget = new CopyOnWriteArrayList<>();
    private final Map<String, String> overrides = new HashMap<>();
    private boolean autoComplete = true;
    /** Producers still to be made whose metadata requests time out, as while the tracking cluster is down. */
    private int unreachableProducers;
    private boolean live;
    private int trackingPartitions = 1;
    private org.apache.kafka.clients.producer.Partitioner partitioner;
    MockProducer<String, byte[]> producer;
    LtxSinkTask task;

    SinkTaskHarness(ApiSimulator sim, String connector) {
        this.sim = sim;
        this.connector = connector;
    }

    SinkTaskHarness with(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /**
     * Short API time-outs (0.5 s to connect, 1.5 s for an answer), so that a request whose earlier
     * create may exist waits about 4 s for that create's late answer before it is submitted again.
     */
    SinkTaskHarness shortAnswerBound() {
        return with(LtxSinkConfig.API_CONNECT_TIMEOUT_MS, "500").with(LtxSinkConfig.API_RESPONSE_TIMEOUT_MS, "1500");
    }

    /**
     * What the task's producer writes to the tracking topic is on it once acknowledged, for every
     * consumer (the task's own followers too), as on a broker; otherwise it lands there only when
     * the task stops.
     */
    SinkTaskHarness liveTopic() {
        live = true;
        return this;
    }

    /** The first {@code n} producers the task makes cannot reach the tracking cluster (their metadata requests time out). */
    SinkTaskHarness unreachableAtStart(int n) {
        unreachableProducers = n;
        return this;
    }

    /**
     * The producer sees {@code count} tracking partitions and places records written without one with
     * {@code partitioner} (the in-memory topic stays one partition: consumers see them all).
     */
    SinkTaskHarness trackingPartitions(int count, org.apache.kafka.clients.producer.Partitioner partitioner) {
        this.trackingPartitions = count;
        this.partitioner = partitioner;
        return this;
    }

    /** Tracking writes wait for {@link MockProducer#completeNext()}. */
    SinkTaskHarness manualAcks() {
        autoComplete = false;
        return this;
    }

    Map<String, String> props() {
        Map<String, String> props = new HashMap<>();
        props.put("name", connector);
        props.put(LtxSinkConfig.API_URL, sim.baseUrl());
        props.put(LtxSinkConfig.API_KEY, "k");
        props.put(LtxSinkConfig.TRACKING_TOPIC, TRACKING);
        props.put(LtxSinkConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:1");
        props.put(LtxSinkConfig.API_RETRY_BACKOFF_MS, "10");
        props.put(LtxSinkConfig.API_RETRY_BACKOFF_MAX_MS, "50");
        props.put(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "2000");
        props.putAll(overrides);
        return new TaskPlacement(0, 1).addTo(props);
    }

    /** Starts a task instance over the tracking topic as it is, and assigns it input partition 0. */
    LtxSinkTask start() {
        task = new LtxSinkTask(new SinkClients() {
            @Override
            public LtxApiClient apiClient(ApiClientSettings settings) {
                return new LtxApiClient(settings);
            }

            @Override
            public Producer<String, byte[]> producer(Map<String, Object> props) {
                List<PartitionInfo> partitions = new ArrayList<>();
                for (int p = 0; p < trackingPartitions; p++) {
                    partitions.add(new PartitionInfo(TRACKING, p, NODE, new Node[]{NODE}, new Node[]{NODE}));
                }
                partitions.add(new PartitionInfo(BUDGET, 0, NODE, new Node[]{NODE}, new Node[]{NODE}));
                Cluster cluster = new Cluster("c", List.of(NODE), partitions, Set.of(), Set.of());
                if (unreachableProducers > 0) {
                    unreachableProducers--;
                    return new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer()) {
                        @Override
                        public synchronized List<PartitionInfo> partitionsFor(String topic) {
                            throw new org.apache.kafka.common.errors.TimeoutException("Topic " + topic + " not present in metadata");
                        }
                    };
                }
                producer = live ? new LiveProducer(cluster) : new MockProducer<>(cluster, autoComplete, partitioner, new StringSerializer(),
                        new ByteArraySerializer());
                return producer;
            }

            @Override
            public Consumer<byte[], byte[]> consumer(Map<String, Object> props) {
                return new ScanConsumer(Map.of(TRACKING, topic, BUDGET, budget)); // the events topic is not there: no cap follows it
            }

            @Override
            public Admin admin(Map<String, Object> props) {
                MockAdminClient admin = MockAdminClient.create().numBrokers(1).build();
                admin.addTopic(false, BUDGET, List.of(new TopicPartitionInfo(0, admin.broker(0), List.of(admin.broker(0)), List.of(admin.broker(0)))),
                        Map.of("cleanup.policy", "compact"));
                return admin;
            }
        });
        task.initialize(context);
        task.start(props());
        context.assignment.clear();
        context.assignment.add(new TopicPartition(INPUT, 0));
        task.open(List.of(new TopicPartition(INPUT, 0)));
        return task;
    }

    /** Stops the task and keeps what its producer wrote (acknowledged or not) on the tracking topic. */
    void stop() {
        if (task != null) {
            task.stop();
            keepWritten();
            task = null;
        }
    }

    /** A crash: what the producer sent so far stays on the topic; nothing the task does afterwards counts. */
    void crash() {
        keepWritten();
        if (producer instanceof LiveProducer p) {
            p.gone = true;
        }
        LtxSinkTask dead = task;
        task = null;
        dead.stop(); // only to free its threads: its producer's later records are never kept
    }

    /** A MockProducer whose acknowledged tracking records are on the topic at once. */
    private final class LiveProducer extends MockProducer<String, byte[]> {
        /** Crashed: nothing it sends from now on reaches the topic. */
        volatile boolean gone;

        LiveProducer(Cluster cluster) {
            super(cluster, autoComplete, partitioner, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
            return super.send(record, (metadata, error) -> {
                if (error == null && !gone) {
                    keep(record);
                }
                if (callback != null) {
                    callback.onCompletion(metadata, error);
                }
            });
        }
    }

    private void keepWritten() {
        if (live) {
            producer.clear();
            return;
        }
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            keep(r);
        }
        producer.clear();
    }

    private void keep(ProducerRecord<String, byte[]> r) {
        if (BUDGET.equals(r.topic())) {
            budget.add(new ConsumerRecord<>(BUDGET, 0, budget.size(), r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value()));
        } else {
            append(r.key(), r.value(), r.headers() == null ? new RecordHeaders() : new RecordHeaders(r.headers().toArray()));
        }
    }

    /** The spend checkpoints written so far (by stopped task instances), oldest first. */
    List<BudgetCheckpoint> checkpoints() {
        return budget.stream().map(r -> BudgetCheckpoint.decode(r.value())).toList();
    }

    /** Forgets every spend checkpoint: the next start is the first one with checkpoints (an upgrade). */
    void dropCheckpoints() {
        budget.clear();
    }

    /** Appends a record to the tracking topic, visible to consumers already following it. */
    void append(TrackingRecord record) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(io.ltx2.connect.tracking.TrackingWriter.TYPE_HEADER, record.type().name().getBytes(StandardCharsets.UTF_8));
        append(record.key(), TrackingRecordCodec.encode(record), headers);
    }

    private void append(String key, byte[] value, RecordHeaders headers) {
        append(key, value, headers, System.currentTimeMillis());
    }

    private void append(String key, byte[] value, RecordHeaders headers, long timestamp) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(TRACKING, 0, topic.size(), timestamp, TimestampType.CREATE_TIME,
                -1, -1, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
        topic.add(r);
    }

    /** Appends a record as written by task {@code taskIndex} of the connector (tagged), its Kafka timestamp its own time. */
    void appendTagged(TrackingRecord record, int taskIndex) {
        append(record.key(), TrackingRecordCodec.encode(record), new RecordHeaders(BudgetHistory.tags(taskIndex).toArray()), record.time());
    }

    /** Appends a spend checkpoint to the budget topic. */
    void appendCheckpoint(BudgetCheckpoint c) {
        budget.add(new ConsumerRecord<>(BUDGET, 0, budget.size(), c.key().getBytes(StandardCharsets.UTF_8), c.encode()));
    }

    /** The tracking topic's records of one type (what stopped task instances wrote, and appended ones), decoded. */
    List<TrackingRecord> onTopic(TrackingRecordType type) {
        return topic.stream().map(r -> TrackingRecordCodec.decode(r.value())).filter(r -> r.type() == type).toList();
    }

    /** What the current task's producer has sent so far to the tracking topic, decoded. */
    List<TrackingRecord> written() {
        return producer.history().stream().filter(r -> TRACKING.equals(r.topic())).map(r -> TrackingRecordCodec.decode(r.value())).toList();
    }

    List<TrackingRecord> written(TrackingRecordType type) {
        return written().stream().filter(r -> r.type() == type).toList();
    }

    List<String> writtenKeys(TrackingRecordType type) {
        return producer.history().stream().filter(r -> TRACKING.equals(r.topic()) && TrackingRecordCodec.decode(r.value()).type() == type)
                .map(ProducerRecord::key).toList();
    }

    static SinkRecord record(long offset, String key, Object value) {
        return new SinkRecord(INPUT, 0, null, key, null, value, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME);
    }

    static SinkRecord record(long offset, String key, Object value, ConnectHeaders headers) {
        return new SinkRecord(INPUT, 0, null, key, null, value, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME, headers);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            // closing anyway
        }
    }
}
