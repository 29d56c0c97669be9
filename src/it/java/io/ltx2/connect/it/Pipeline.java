package io.ltx2.connect.it;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Sink and source connectors wired together on one embedded Connect cluster, with topics and
 * connector names of their own, against a simulator of their own: one per fault test.
 * Timings are the contract's scaled by {@link #TIME_SCALE}, as the simulator's are.
 */
public final class Pipeline {
    public static final String API_KEY = "sk-rel-pipeline-key-3b8e21d4";
    public static final double TIME_SCALE = 0.01;
    /** The connectors' call budgets, per connector; the simulator allows 10,000 a minute for both. */
    public static final int SINK_CALLS_PER_MINUTE = 3_000;
    public static final int SOURCE_CALLS_PER_MINUTE = 6_000;
    /** Multiplies the requests of each fault row; 10 under the {@code soak} Maven profile. */
    public static final int LOAD_FACTOR = Integer.getInteger("ltx.rel.load.factor", 1);

    public final String name;
    public final EmbeddedConnectCluster connect;
    public final ApiSimulator sim;
    public final String requests;
    public final String tracking;
    public final String events;
    public final String dlq;
    public final String sinkName;
    public final String sourceName;
    public final Map<String, String> sinkProps;
    public final Map<String, String> sourceProps;
    public final long startedNanos = System.nanoTime();
    private static final String PROMPT = "A lighthouse at dusk, take ";
    private int produced;
    private final Map<String, String> promptRecords = new ConcurrentHashMap<>();

    public Pipeline(String name, EmbeddedConnectCluster connect, ApiSimulator sim) {
        this.name = name;
        this.connect = connect;
        this.sim = sim;
        this.requests = "requests-" + name;
        this.tracking = "tasks-" + name;
        this.events = "events-" + name;
        this.dlq = "dlq-" + name;
        this.sinkName = "sink-" + name;
        this.sourceName = "source-" + name;
        this.sinkProps = sinkConfig();
        this.sourceProps = sourceConfig();
    }

    public static ApiSimulator simulator(Faults faults) throws IOException {
        return ApiSimulator.builder().apiKey(API_KEY).timeScale(TIME_SCALE).seed(7).faults(faults).build().start();
    }

    private Map<String, String> sinkConfig() {
        Map<String, String> c = ItConnectors.sink(sim.baseUrl(), API_KEY, connect.kafka().bootstrapServers(), requests, tracking);
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", dlq);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("consumer.override.max.poll.records", "100");
        c.put("ltx.api.rate.limit.per.minute", String.valueOf(SINK_CALLS_PER_MINUTE));
        c.put("ltx.api.retry.backoff.max.ms", "1000");
        c.put("ltx.api.response.timeout.ms", "2000");
        c.put("ltx.default.resolution", "480p");
        c.put("ltx.default.duration", "5");
        return c;
    }

    private Map<String, String> sourceConfig() {
        Map<String, String> c = ItConnectors.source(sim.baseUrl(), API_KEY, connect.kafka().bootstrapServers(), tracking, events, TIME_SCALE);
        c.put("exactly.once.support", "required");
        c.put("ltx.api.rate.limit.per.minute", String.valueOf(SOURCE_CALLS_PER_MINUTE));
        c.put("ltx.api.response.timeout.ms", "2000");
        c.put("ltx.task.timeout.ms", "30000");
        c.put("ltx.notfound.grace.ms", "1000");
        return c;
    }

    /**
     * Callback mode: the sink asks for webhooks to the source's receiver, on a free loopback port and
     * behind {@code token}; the source's safety poll every 3 s.
     */
    public Pipeline callbacks(String token) throws IOException {
        int port = freePort();
        sinkProps.put("ltx.request.type", "callback");
        sinkProps.put("ltx.callback.url", "http://127.0.0.1:" + port + "/callback/" + token);
        sourceProps.put("ltx.callback.enabled", "true");
        sourceProps.put("ltx.callback.listener.port", String.valueOf(port));
        sourceProps.put("ltx.callback.token", token);
        sourceProps.put("ltx.callback.safety.poll.interval.ms", "3000");
        return this;
    }

    /** Topics first, then both connectors; returns once every task runs. */
    public Pipeline start() throws InterruptedException {
        connect.kafka().createTopic(requests, 4);
        connect.kafka().createTopic(tracking, 4);
        connect.kafka().createTopic(events, 2);
        connect.kafka().createTopic(dlq, 1);
        startConnectors();
        return this;
    }

    public void startConnectors() throws InterruptedException {
        connect.configureConnector(sourceName, sourceProps);
        connect.configureConnector(sinkName, sinkProps);
        awaitRunning();
    }

    public void awaitRunning() throws InterruptedException {
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sourceName, Integer.parseInt(sourceProps.get("tasks.max")),
                "source connector did not start");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sinkName, Integer.parseInt(sinkProps.get("tasks.max")),
                "sink connector did not start");
    }

    public void deleteConnectors() {
        connect.deleteConnector(sinkName);
        connect.deleteConnector(sourceName);
    }

    /**
     * Writes {@code n} valid requests, each with its own prompt (so the simulator can spot a
     * resubmission) and request id; returns the requests as their records, {@code topic-partition-offset}.
     */
    public List<String> produce(int n) {
        List<String> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = name + "-" + (produced++);
            keys.add(id);
            values.add("{\"request_id\":\"" + id + "\",\"prompt\":\"" + PROMPT + id + "\",\"seed\":" + (1 + produced) + "}");
        }
        return produce(keys, values);
    }

    /** Writes these records (key, JSON value) to the request topic; returns them as {@code topic-partition-offset}. */
    public List<String> produce(List<String> keys, List<String> values) {
        return produce(keys, values, Map.of());
    }

    /** As above, every record with these headers. */
    public List<String> produce(List<String> keys, List<String> values, Map<String, String> headers) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                byte[] key = keys.get(i) == null ? null : keys.get(i).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(requests, key, values.get(i).getBytes(StandardCharsets.UTF_8));
                headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(record));
            }
            producer.flush();
        }
        List<String> records = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata m = Futures.get(sent.get(i));
            String record = m.topic() + "-" + m.partition() + "-" + m.offset();
            records.add(record);
            String prompt = promptOf(values.get(i));
            if (prompt != null) { // a value without a top-level prompt (an envelope, not JSON) cannot be told by its task
                promptRecords.put(prompt, record);
            }
        }
        return records;
    }

    /** The request (record) a task's prompt belongs to, or null for a prompt this pipeline did not write. */
    public String requestOfPrompt(String prompt) {
        return promptRecords.get(prompt);
    }

    private static String promptOf(String json) {
        try {
            return Json.MAPPER.readTree(json).path("prompt").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
