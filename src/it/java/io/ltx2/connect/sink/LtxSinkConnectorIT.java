package io.ltx2.connect.sink;

import io.ltx2.connect.sink.earlier.PriorAttempts;
import io.ltx2.connect.tracking.TrackingFeed;
import io.ltx2.connect.LtxSinkConnector;
import io.ltx2.connect.config.ApiTransportConfig;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.ItConnectors;
import io.ltx2.connect.it.TestLogFile;
import io.ltx2.connect.metrics.JmxMetrics;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingClients;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink on a real broker and two real Connect workers, against the project's API simulator.
 * Each test uses its own input, tracking and DLQ topics and its own connector name.
 */
class LtxSinkConnectorIT {
    private static final Logger log = LoggerFactory.getLogger(LtxSinkConnectorIT.class);
    private static final String KEY = "sk-it-sink-key-5f1c9a77";
    private static final String WRONG_KEY = "sk-it-wrong-key-0be4d2c1";
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private static ApiSimulator simulator;
    private static EmbeddedConnectCluster connect;
    private static Path secrets;
    private static HttpServer receiver;
    private static final List<String> callbackPaths = new CopyOnWriteArrayList<>();
    private static final String CALLBACK_TOKEN = "cbtok-7d1e55aa";

    @BeforeAll
    static void startCluster() throws IOException {
        simulator = ApiSimulator.builder().apiKey(KEY).timeScale(0.001).build().start();
        // Keys reach connectors through a config provider, as the design asks users to do, so the
        // connector config stored and shown by Connect holds only a placeholder.
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.createContext("/", exchange -> {
            callbackPaths.add(exchange.getRequestURI().toString());
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/" + CALLBACK_TOKEN;
        secrets = Files.createTempFile("ltx-sink-it", ".properties");
        Files.writeString(secrets, "key=" + KEY + "\nwrong=" + WRONG_KEY + "\ncallback=" + callbackUrl + "\n");
        // Commits every 2 s: a restart or rebalance then finds requests submitted but not committed.
        connect = ItCluster.start("ltx-sink-it", 2, Map.of("offset.flush.interval.ms", "2000"));
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (connect != null) {
            connect.stop();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (secrets != null) {
            Files.deleteIfExists(secrets);
        }
    }

    private static Map<String, String> sinkConfig(String name, String topic, String tracking, boolean schemas) {
        Map<String, String> props = ItConnectors.sink(simulator.baseUrl(), "${file:" + secrets + ":key}", connect.kafka().bootstrapServers(),
                topic, tracking);
        props.put("value.converter.schemas.enable", Boolean.toString(schemas));
        props.put("consumer.override.max.poll.records", "50");
        return props;
    }

    private static void createTopics(String input, int partitions, String tracking) {
        connect.kafka().createTopic(input, partitions);
        connect.kafka().createTopic(tracking, 3);
    }

    /** The tracking topic's outcome records (SUBMITTED, REJECTED, CALLBACK): everything but the INTENTs. */
    private static List<TrackingRecord> tracking(String topic) throws Exception {
        return allTracking(topic).stream().filter(t -> t.type() != TrackingRecordType.INTENT).toList();
    }

    private static List<TrackingRecord> allTracking(String topic) throws Exception {
        List<TrackingRecord> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, topic)) {
            out.add(TrackingRecordCodec.decode(r.value()));
        }
        return out;
    }

    private static List<TrackingRecord> awaitTracking(String topic, TrackingRecordType type, int count) {
        List<List<TrackingRecord>> last = new ArrayList<>();
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<TrackingRecord> all = tracking(topic);
            last.clear();
            last.add(all);
            assertThat(all.stream().filter(t -> t.type() == type).count()).isGreaterThanOrEqualTo(count);
        });
        return last.get(0);
    }

    private static String json(String prompt, String mode, String extra) {
        return "{\"mode\":\"" + mode + "\",\"prompt\":\"" + prompt + "\"" + extra + "}";
    }

    private static String modeExtra(String mode) {
        return switch (mode) {
            case "image-to-video" -> ",\"image_urls\":[\"https://example.com/a.png\"],\"resolution\":\"480p\",\"duration\":5";
            case "text-to-video-LoRA" -> ",\"loras\":[{\"path\":\"https://a.test/a?download=true\",\"scale\":0.8}],\"duration\":6";
            case "image-to-video-LoRA" -> ",\"image_urls\":[\"https://example.com/c.png\"],\"loras\":[{\"path\":\"https://h.test/s?download=true\",\"scale\":1.0}]";
            default -> ",\"aspect_ratio\":\"9:16\",\"seed\":42";
        };
    }

    private static final List<String> MODES = List.of("text-to-video", "image-to-video", "text-to-video-LoRA", "image-to-video-LoRA");

    /** The JsonConverter's schema envelope for a request, so the task receives a Struct. */
    private static String withSchema(String prompt, String mode, String requestId) {
        String lora = "{\"type\":\"struct\",\"optional\":false,\"fields\":[{\"field\":\"path\",\"type\":\"string\"},{\"field\":\"scale\",\"type\":\"double\"}]}";
        String schema = "{\"type\":\"struct\",\"optional\":false,\"fields\":["
                + "{\"field\":\"request_id\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"mode\",\"type\":\"string\"},"
                + "{\"field\":\"prompt\",\"type\":\"string\"},"
                + "{\"field\":\"duration\",\"type\":\"int32\",\"optional\":true},"
                + "{\"field\":\"image_urls\",\"type\":\"array\",\"items\":{\"type\":\"string\"},\"optional\":true},"
                + "{\"field\":\"loras\",\"type\":\"array\",\"items\":" + lora + ",\"optional\":true}]}";
        boolean image = mode.startsWith("image");
        boolean lorMode = mode.endsWith("LoRA");
        String payload = "{\"request_id\":\"" + requestId + "\",\"mode\":\"" + mode + "\",\"prompt\":\"" + prompt + "\",\"duration\":7,"
                + "\"image_urls\":" + (image ? "[\"https://example.com/s.png\"]" : "null") + ","
                + "\"loras\":" + (lorMode ? "[{\"path\":\"https://a.test/x?download=true\",\"scale\":1.2}]" : "null") + "}";
        return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
    }

    private static void assertSubmittedOncePerRequest(List<TrackingRecord> records, Set<String> requestIds) {
        List<TrackingRecord> submitted = records.stream().filter(t -> t.type() == TrackingRecordType.SUBMITTED).toList();
        assertThat(submitted).extracting(TrackingRecord::requestId).containsExactlyInAnyOrderElementsOf(requestIds);
        assertThat(submitted).extracting(TrackingRecord::taskId).doesNotHaveDuplicates().doesNotContainNull();
    }

    @Test
    void everyModeFromSchemalessJsonAndStructIsSubmittedExactlyOnce() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("happy-json", 2, "happy-tracking");
        connect.kafka().createTopic("happy-struct", 2);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String mode = MODES.get(i % 4);
            connect.kafka().produce("happy-json", "json-" + i, json("happy json " + i, mode, modeExtra(mode)));
            ids.add("json-" + i);
            connect.kafka().produce("happy-struct", "key-ignored-" + i, withSchema("happy struct " + i, mode, "struct-" + i));
            ids.add("struct-" + i);
        }
        connect.configureConnector("happy-json", sinkConfig("happy-json", "happy-json", "happy-tracking", false));
        Map<String, String> structProps = sinkConfig("happy-struct", "happy-struct", "happy-tracking", true);
        connect.configureConnector("happy-struct", structProps);

        List<TrackingRecord> records = awaitTracking("happy-tracking", TrackingRecordType.SUBMITTED, 16);
        assertSubmittedOncePerRequest(records, ids);
        assertThat(records).noneMatch(t -> t.type() == TrackingRecordType.REJECTED);
        TrackingRecord struct0 = records.stream().filter(t -> "struct-1".equals(t.requestId())).findFirst().orElseThrow();
        assertThat(struct0.input().mode()).isEqualTo("image-to-video");
        assertThat(struct0.input().duration()).isEqualTo(7);
        assertThat(struct0.input().resolution()).isEqualTo("720p");
        assertThat(struct0.input().aspectRatio()).as("no aspect ratio default for image modes").isNull();
        assertThat(struct0.source().topic()).isEqualTo("happy-struct");

        assertThat(JmxMetrics.sum("sink-task-metrics", "happy-json", "requests-submitted-total")).as("JMX metric").isEqualTo(8);
        assertThat(JmxMetrics.pluginSum("happy-json", "requests-submitted-total")).as("the same as a KIP-877 plugin metric (4.1+ worker)")
                .isEqualTo(8);
        assertThat(JmxMetrics.pluginSum("happy-json", "create-latency-ms-count")).as("create latency recorded per attempt")
                .isGreaterThanOrEqualTo(8);
        SimulatorStats after = simulator.stats();
        assertThat(after.tasksCreated() - before.tasksCreated()).isEqualTo(16);
        assertThat(after.duplicateSubmissions() - before.duplicateSubmissions()).isZero();
        connect.deleteConnector("happy-json");
        connect.deleteConnector("happy-struct");
    }

    @Test
    void callbackModeSendsTheConfiguredUrlWhichStaysOutOfLogsAndRest() throws Exception {
        createTopics("callback-input", 1, "callback-tracking");
        Map<String, String> props = sinkConfig("callback", "callback-input", "callback-tracking", false);
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        props.put(LtxSinkConfig.CALLBACK_URL, "${file:" + secrets + ":callback}");
        connect.configureConnector("callback", props);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            connect.kafka().produce("callback-input", "cb-" + i, json("callback request " + i, "text-to-video", ""));
            ids.add("cb-" + i);
        }
        List<TrackingRecord> records = awaitTracking("callback-tracking", TrackingRecordType.SUBMITTED, 3);
        assertSubmittedOncePerRequest(records, ids);
        assertThat(records).allSatisfy(t -> assertThat(t.requestType()).isEqualTo("callback"));
        Set<String> taskIds = records.stream().map(TrackingRecord::taskId).collect(Collectors.toSet());
        // The simulator finishes the tasks and POSTs to the URL the sink sent, token included.
        await().atMost(AWAIT).until(() -> callbackPaths.stream().filter(p -> p.contains(CALLBACK_TOKEN)).count() >= 3);
        assertThat(taskIds).allSatisfy(id -> assertThat(simulator.stats().tasks().get(id).callbackAttemptTimes()).isNotEmpty());
        assertThat(restGet("connectors/callback/config")).contains(LtxSinkConfig.CALLBACK_URL).doesNotContain(CALLBACK_TOKEN);
        assertThat(restGet("connectors/callback/tasks")).contains(LtxSinkConfig.CALLBACK_URL).doesNotContain(CALLBACK_TOKEN);
        assertThat(logLinesContaining(CALLBACK_TOKEN)).isZero();
        connect.deleteConnector("callback");
    }

    @Test
    void invalidRecordsGoToTheDlqWithReasonsAndAsRejectedWhileValidOnesGoThrough() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("bad-input", 1, "bad-tracking");
        connect.kafka().createTopic("bad-dlq", 1);
        connect.kafka().produce("bad-input", 0, "ok-1", json("valid before", "text-to-video", ""));
        connect.kafka().produce("bad-input", 0, "too-long", json("too long", "text-to-video", ",\"duration\":30"));
        connect.kafka().produce("bad-input", 0, null, "this is not json");
        connect.kafka().produce("bad-input", 0, "ok-2", json("valid after", "image-to-video", ",\"image_urls\":[\"https://example.com/x.png\"]"));
        connect.kafka().produce("bad-input", 0, "wrong-type", json("wrong type", "text-to-video", ",\"duration\":\"ten\""));

        Map<String, String> props = sinkConfig("bad", "bad-input", "bad-tracking", false);
        props.put("value.converter", StringConverter.class.getName());
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", "bad-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("bad", props);

        List<TrackingRecord> records = awaitTracking("bad-tracking", TrackingRecordType.REJECTED, 3);
        awaitTracking("bad-tracking", TrackingRecordType.SUBMITTED, 2);
        records = tracking("bad-tracking");
        assertSubmittedOncePerRequest(records, Set.of("ok-1", "ok-2"));
        Map<String, TrackingRecord> rejected = records.stream().filter(t -> t.type() == TrackingRecordType.REJECTED)
                .collect(Collectors.toMap(TrackingRecord::requestId, t -> t));
        assertThat(rejected).containsOnlyKeys("too-long", "bad-input-0-2", "wrong-type");
        assertThat(rejected.values()).allSatisfy(t -> assertThat(t.failCode()).isEqualTo(FailCodes.INVALID_REQUEST));
        assertThat(rejected.get("too-long").failMsg()).contains("duration");
        assertThat(rejected.get("bad-input-0-2").failMsg()).contains("not a JSON object");
        assertThat(rejected.get("wrong-type").failMsg()).contains("duration: must be a whole number");
        assertThat(rejected.get("too-long").source().offset()).isEqualTo(1);

        List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
        connect.kafka().consume(3, AWAIT.toMillis(), "bad-dlq").forEach(dlq::add);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            Header message = r.headers().lastHeader("__connect.errors.exception.message");
            Header offset = r.headers().lastHeader("__connect.errors.offset");
            assertThat(message).isNotNull();
            reasons.put(new String(offset.value(), StandardCharsets.UTF_8), new String(message.value(), StandardCharsets.UTF_8));
        }
        assertThat(reasons).containsOnlyKeys("1", "2", "4");
        assertThat(reasons.get("1")).contains("duration");
        assertThat(reasons.get("2")).contains("not a JSON object");
        assertThat(reasons.get("4")).contains("duration: must be a whole number");

        assertThat(simulator.stats().tasksCreated() - before.tasksCreated()).isEqualTo(2);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("bad", 2, "bad records must not stop the connector");
        connect.deleteConnector("bad");
    }

    @Test
    void requestsWhoseAmbiguousRetriesRunOutAreRejectedAndReportedNotDropped() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("exhausted-input", 1, "exhausted-tracking");
        connect.kafka().createTopic("exhausted-dlq", 1);
        Map<String, String> props = sinkConfig("exhausted", "exhausted-input", "exhausted-tracking", false);
        props.put("tasks.max", "1");
        props.put(LtxSinkConfig.API_RETRY_MAX, "2");
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", "exhausted-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        // 500: the API may have created the task, so it is retried only ltx.sink.create.ambiguous.retries (1) times,
        // then rejected naming the attempts (a 503 says nothing was taken: such requests wait, see ApiUnavailableIT).
        simulator.updateFaults(f -> f.toBuilder().errorRate(Endpoint.CREATE, 1.0).errorStatus(500).build());
        try {
            connect.configureConnector("exhausted", props);
            connect.kafka().produce("exhausted-input", "ex-1", json("exhausted request 1", "text-to-video", ""));
            connect.kafka().produce("exhausted-input", "ex-2", json("exhausted request 2", "text-to-video", ""));
            awaitTracking("exhausted-tracking", TrackingRecordType.REJECTED, 2);
        } finally {
            simulator.updateFaults(f -> f.toBuilder().errorRate(Endpoint.CREATE, 0).build());
        }
        List<TrackingRecord> records = tracking("exhausted-tracking");
        assertThat(records).extracting(TrackingRecord::requestId).containsExactlyInAnyOrder("ex-1", "ex-2");
        assertThat(records).allSatisfy(t -> {
            assertThat(t.type()).isEqualTo(TrackingRecordType.REJECTED);
            assertThat(t.failCode()).isEqualTo(FailCodes.SUBMIT_FAILED);
            assertThat(t.failMsg()).contains("HTTP 500");
        });
        List<String> reasons = new ArrayList<>();
        connect.kafka().consume(2, AWAIT.toMillis(), "exhausted-dlq").forEach(r -> reasons.add(
                new String(r.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8)));
        assertThat(reasons).hasSize(2).allSatisfy(m -> assertThat(m).contains("Could not submit request").contains("HTTP 500"));
        SimulatorStats after = simulator.stats();
        assertThat(after.createCalls() - before.createCalls()).as("1 call + 1 ambiguous retry per request").isEqualTo(4);
        assertThat(after.tasksCreated() - before.tasksCreated()).isZero();
        connect.deleteConnector("exhausted");
    }

    @Test
    void requestRefusedByTheApiWith400IsRejectedWithTheApisMessageAndNeverRetried() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("refused-input", 1, "refused-tracking");
        connect.kafka().createTopic("refused-dlq", 1);
        Map<String, String> props = sinkConfig("refused", "refused-input", "refused-tracking", false);
        props.put("tasks.max", "1");
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", "refused-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("refused", props);
        connect.kafka().produce("refused-input", "ref-ok-1", json("valid before the refusal", "text-to-video", ""));
        connect.kafka().produce("refused-input", "ref-400", json("valid by the contract " + ApiSimulator.BAD_REQUEST_MARKER, "text-to-video", ""));
        connect.kafka().produce("refused-input", "ref-ok-2", json("valid after the refusal", "text-to-video", ""));

        awaitTracking("refused-tracking", TrackingRecordType.SUBMITTED, 2);
        List<TrackingRecord> records = awaitTracking("refused-tracking", TrackingRecordType.REJECTED, 1);
        assertSubmittedOncePerRequest(tracking("refused-tracking"), Set.of("ref-ok-1", "ref-ok-2"));
        TrackingRecord refused = records.stream().filter(t -> t.type() == TrackingRecordType.REJECTED).findFirst().orElseThrow();
        assertThat(refused.requestId()).isEqualTo("ref-400");
        assertThat(refused.failCode()).isEqualTo(FailCodes.HTTP_400);
        assertThat(refused.failMsg()).contains("refused by the API's own checks");

        List<String> reasons = new ArrayList<>();
        connect.kafka().consume(1, AWAIT.toMillis(), "refused-dlq").forEach(r -> reasons.add(
                new String(r.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8)));
        assertThat(reasons).singleElement().satisfies(m -> assertThat(m).contains("refused by the API's own checks"));
        SimulatorStats after = simulator.stats();
        assertThat(after.createCalls() - before.createCalls()).as("one call per request: a 400 is not retried").isEqualTo(3);
        assertThat(after.tasksCreated() - before.tasksCreated()).isEqualTo(2);
        connect.deleteConnector("refused");
    }

    @Test
    void unreadableRecordFailsTheTaskWhenErrorsAreNotTolerated() throws Exception {
        createTopics("strict-input", 1, "strict-tracking");
        Map<String, String> props = sinkConfig("strict", "strict-input", "strict-tracking", false);
        props.put("tasks.max", "1");
        props.put("value.converter", StringConverter.class.getName());
        connect.kafka().produce("strict-input", 0, "st-1", json("strict valid", "text-to-video", ""));
        connect.kafka().produce("strict-input", 0, "st-2", "{\"prompt\": [1, 2]}");
        connect.configureConnector("strict", props);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("strict", 1, "errors.tolerance=none must fail on an unreadable record");
        String trace = connect.connectorStatus("strict").tasks().get(0).trace();
        assertThat(trace).contains("strict-input-0-1 is not a request").contains("prompt: must be a string");
        assertSubmittedOncePerRequest(awaitTracking("strict-tracking", TrackingRecordType.SUBMITTED, 1), Set.of("st-1"));
        connect.deleteConnector("strict");
    }

    @Test
    void rateLimitStormAndServerErrorsLoseAndDuplicateNothing() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("storm-input", 2, "storm-tracking");
        Map<String, String> props = sinkConfig("storm", "storm-input", "storm-tracking", false);
        props.put(LtxSinkConfig.API_RETRY_MAX, "30");
        connect.configureConnector("storm", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("storm", 2, "storm connector did not start");

        simulator.updateFaults(f -> f.toBuilder().rateLimitStorm(3_000, 1).errorRate(Endpoint.CREATE, 0.3).errorStatus(503).build());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            connect.kafka().produce("storm-input", "storm-" + i, json("storm request " + i, "text-to-video", ""));
            ids.add("storm-" + i);
        }
        List<TrackingRecord> records;
        try {
            records = awaitTracking("storm-tracking", TrackingRecordType.SUBMITTED, 40);
        } finally {
            simulator.updateFaults(f -> f.toBuilder().rateLimitStorm(0, 1).errorRate(Endpoint.CREATE, 0).build());
        }
        assertSubmittedOncePerRequest(records, ids);
        assertThat(records).noneMatch(t -> t.type() == TrackingRecordType.REJECTED);
        SimulatorStats after = simulator.stats();
        assertThat(after.rateLimited() - before.rateLimited()).as("the storm answered 429s").isPositive();
        assertThat(after.injectedErrors() - before.injectedErrors()).as("5xx were injected").isPositive();
        assertThat(after.tasksCreated() - before.tasksCreated()).isEqualTo(40);
        assertThat(after.duplicateSubmissions() - before.duplicateSubmissions()).isZero();
        connect.deleteConnector("storm");
    }

    @Test
    void inputPausedDuringA429StormResumesAfterARebalance() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("paused-input", 2, "paused-tracking");
        Map<String, String> props = sinkConfig("paused", "paused-input", "paused-tracking", false);
        props.put("tasks.max", "1");
        props.put(LtxSinkConfig.API_RETRY_MAX, "30");
        connect.configureConnector("paused", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("paused", 1, "paused connector did not start");
        simulator.updateFaults(f -> f.toBuilder().rateLimitStorm(4_000, 1).build());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            connect.kafka().produce("paused-input", "paused-" + i, json("paused request " + i, "text-to-video", ""));
            ids.add("paused-" + i);
        }
        // While the task has its input paused for the storm, a second member joins and leaves the
        // connector's consumer group: two rebalances, each handing the paused partitions around.
        await().atMost(AWAIT).until(() -> simulator.stats().rateLimited() > before.rateLimited());
        try (KafkaConsumer<byte[], byte[]> intruder = connect.kafka().createConsumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "connect-paused"))) {
            intruder.subscribe(List.of("paused-input"));
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                intruder.poll(Duration.ofMillis(200));
            }
        }
        List<TrackingRecord> records = awaitTracking("paused-tracking", TrackingRecordType.SUBMITTED, 40);
        assertSubmittedOncePerRequest(records, ids);
        SimulatorStats after = simulator.stats();
        assertThat(after.tasksCreated() - before.tasksCreated()).isEqualTo(40);
        assertThat(after.duplicateSubmissions() - before.duplicateSubmissions()).isZero();
        connect.deleteConnector("paused");
    }

    @Test
    void restartAndRebalanceMidStreamSubmitNothingTwice() throws Exception {
        SimulatorStats before = simulator.stats();
        createTopics("moving-input", 4, "moving-tracking");
        Map<String, String> props = sinkConfig("moving", "moving-input", "moving-tracking", false);
        props.put(LtxSinkConfig.MAX_IN_FLIGHT, "10");
        connect.configureConnector("moving", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("moving", 2, "moving connector did not start");
        // Slow creates keep requests in flight when offsets are committed at restart and rebalance,
        // so the next owner is handed records that were already submitted.
        simulator.updateFaults(f -> f.toBuilder().latency(Endpoint.CREATE, 150).build());
        long skippedBefore = skippedDuplicatesLogged();
        Set<String> ids = new HashSet<>();
        try {
            produceRange(ids, 0, 60);
            await().atMost(AWAIT).until(() -> simulator.stats().tasksCreated() - before.tasksCreated() >= 20);
            connect.restartConnectorAndTasks("moving", false, true, false);
            produceRange(ids, 60, 120);
            await().atMost(AWAIT).until(() -> simulator.stats().tasksCreated() - before.tasksCreated() >= 80);
            props.put("tasks.max", "1");
            connect.configureConnector("moving", props);
            produceRange(ids, 120, 150);
            await().atMost(AWAIT).until(() -> simulator.stats().tasksCreated() - before.tasksCreated() >= 130);
            props.put("tasks.max", "3");
            connect.configureConnector("moving", props);
            produceRange(ids, 150, 180);
            List<TrackingRecord> records = awaitTracking("moving-tracking", TrackingRecordType.SUBMITTED, 180);
            assertSubmittedOncePerRequest(records, ids);
        } finally {
            simulator.updateFaults(f -> f.toBuilder().latency(Endpoint.CREATE, 0).build());
        }
        SimulatorStats after = simulator.stats();
        assertThat(after.tasksCreated() - before.tasksCreated()).isEqualTo(180);
        assertThat(after.duplicateSubmissions() - before.duplicateSubmissions()).isZero();
        long skipped = skippedDuplicatesLogged() - skippedBefore;
        log.info("Redelivered requests recognised and skipped by the dedup scans: {}", skipped);
        assertThat(skipped).as("the restart or rebalance redelivered submitted requests, and the dedup index caught them").isPositive();
        connect.deleteConnector("moving");
    }

    private static void produceRange(Set<String> ids, int from, int to) {
        for (int i = from; i < to; i++) {
            connect.kafka().produce("moving-input", "moving-" + i, json("moving request " + i, "text-to-video", ""));
            ids.add("moving-" + i);
        }
    }

    private static final Pattern SKIPPED = Pattern.compile("(\\d+) redelivered request\\(s\\) already handled will be skipped");

    /**
     * Lines of the captured log (the tasks run in this JVM) that contain {@code text}, read line by line
     * (Latin-1: any byte reads, and the texts searched for are ASCII).
     */
    private static long logLinesContaining(String text) throws IOException {
        try (Stream<String> lines = Files.lines(TestLogFile.path(), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** Sum of the dedup scans' findings in the captured log (the tasks run in this JVM). */
    private static long skippedDuplicatesLogged() throws IOException {
        Path logFile = TestLogFile.path();
        if (!Files.exists(logFile)) {
            return 0;
        }
        long sum = 0;
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.ISO_8859_1)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = SKIPPED.matcher(line);
                if (m.find()) {
                    sum += Long.parseLong(m.group(1));
                }
            }
        }
        return sum;
    }

    @Test
    void wrongKeyFailsTheTaskFastWithAClearMessageAndNeverShowsTheKey() throws Exception {
        createTopics("wrongkey-input", 1, "wrongkey-tracking");
        Map<String, String> props = sinkConfig("wrongkey", "wrongkey-input", "wrongkey-tracking", false);
        props.put("tasks.max", "1");
        props.put(LtxSinkConfig.API_KEY, "${file:" + secrets + ":wrong}");
        connect.configureConnector("wrongkey", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("wrongkey", 1, "wrongkey connector did not start");
        connect.kafka().produce("wrongkey-input", "wk-1", json("never generated", "text-to-video", ""));

        long started = System.nanoTime();
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("wrongkey", 1, "a refused key must fail the task");
        long failedAfterMs = (System.nanoTime() - started) / 1_000_000;
        log.info("Task failed {} ms after the record was produced", failedAfterMs);
        ConnectorStateInfo status = connect.connectorStatus("wrongkey");
        String trace = status.tasks().get(0).trace();
        assertThat(trace).contains("refused the connector's credentials").contains("401");
        assertThat(trace).doesNotContain(WRONG_KEY).doesNotContain(KEY);
        String configResponse = restGet("connectors/wrongkey/config");
        assertThat(configResponse).contains(LtxSinkConfig.API_KEY).contains("${file:").doesNotContain(WRONG_KEY);
        String tasksResponse = restGet("connectors/wrongkey");
        assertThat(tasksResponse).contains("wrongkey").doesNotContain(WRONG_KEY);
        assertThat(restGet("connectors/wrongkey/tasks")).as("task configs keep the placeholder")
                .contains(LtxSinkConfig.API_KEY).doesNotContain(WRONG_KEY);
        assertThat(restGet("connectors/wrongkey/status")).doesNotContain(WRONG_KEY);
        assertThat(tracking("wrongkey-tracking")).as("no outcome: the request waits for a working key").isEmpty();
        assertThat(allTracking("wrongkey-tracking")).as("only the INTENT of the refused create").extracting(TrackingRecord::type)
                .containsOnly(TrackingRecordType.INTENT);
        assertThat(connect.connectorOffsets("wrongkey").offsets())
                .as("nothing committed for the request that was never submitted")
                .allSatisfy(o -> assertThat(((Number) o.offset().get("kafka_offset")).longValue()).isZero());
        assertThat(logLinesContaining(WRONG_KEY)).as("log lines with the refused key").isZero();
        assertThat(logLinesContaining(KEY)).as("log lines with the key").isZero();
        connect.deleteConnector("wrongkey");
    }

    private static String restGet(String resource) {
        Object body = connect.requestGet(connect.endpointForResource(resource)).getEntity();
        return String.valueOf(body);
    }

    /**
     * The restart scan against a real broker, at a size that shows its start-up cost: 20,000 tracking
     * records, three quarters of them older than the look-back, so the scan reads only the rest. It
     * finds requests by identity (this connector and the record's coordinates): another connector's
     * records of the same coordinates, and dry-run rejections, do not count as handled; an INTENT
     * without an outcome is an orphaned attempt; a callback without one is a task to adopt.
     */
    @Test
    void restartScanReadsOnlyTheLookBackWindowAndFindsRequestsByIdentity() throws Exception {
        connect.kafka().createTopic("scan-tracking", 3);
        long now = System.currentTimeMillis();
        long old = now - Duration.ofHours(2).toMillis();
        long writeStarted = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of("linger.ms", 20, "batch.size", 262144))) {
            // Partitions 2 and 3 were submitted long ago, then 0 and 1 recently: the tracking topic's
            // time order, which offsetsForTimes relies on.
            for (int partition : new int[]{2, 3, 0, 1}) {
                long time = partition < 2 ? now : old;
                for (int offset = 0; offset < 5_000; offset++) {
                    TrackedRequest r = tracked("scan", partition, offset);
                    TrackingRecord record = partition == 0 && offset >= 4_996
                            ? TrackingRecord.intent(r, 1, time)
                            : TrackingRecord.submitted(r, "t-" + partition + "-" + offset, 1, List.of(), time);
                    send(producer, time, record);
                }
            }
            // Another connector read the same coordinates: its requests are not this connector's.
            send(producer, now, TrackingRecord.submitted(tracked("other-sink", 0, 5_005), "t-other", 1, List.of(), now));
            // A dry run of this connector: a preview, not a handled request.
            send(producer, now, TrackingRecord.rejected(tracked("scan", 0, 5_006), FailCodes.DRY_RUN, "dry run", List.of(), now));
            send(producer, now, TrackingRecord.rejected(tracked("scan", 0, 5_007), FailCodes.INVALID_REQUEST, "bad", List.of(), now));
            send(producer, now, TrackingRecord.callback(tracked("scan", 0, 5_008).identity(), "t-adopted", now, "success", "{}"));
            producer.send(new ProducerRecord<>("scan-tracking", null, now, null, "not a tracking record".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
        log.info("Wrote 20,005 tracking records in {} ms", (System.nanoTime() - writeStarted) / 1_000_000);
        Map<String, Object> clientProps = Map.of("bootstrap.servers", connect.kafka().bootstrapServers());
        PriorAttempts prior = new PriorAttempts("scan", new TrackingFeed("scan-tracking",
                () -> new KafkaConsumer<>(TrackingClients.scanProps(clientProps, "scan-it")), System::currentTimeMillis),
                Duration.ofMinutes(5), Duration.ofSeconds(60), false);
        TopicPartition input0 = new TopicPartition("scan-input", 0);
        prior.assigned(List.of(input0));
        List<SinkRecord> redelivered = new ArrayList<>();
        for (long offset = 4_990; offset < 5_010; offset++) {
            redelivered.add(new SinkRecord("scan-input", 0, null, null, null, "{}", offset, now, TimestampType.CREATE_TIME));
        }
        long scanStarted = System.nanoTime();
        prior.prepare(redelivered);
        log.info("Restart scan of 20,005 tracking records (10,005 inside the look-back): read {} in {} ms", prior.lastScanRecords(),
                (System.nanoTime() - scanStarted) / 1_000_000);
        assertThat(prior.lastScanRecords()).as("records older than the look-back are not read").isBetween(10_000L, 10_005L);
        for (long offset = 4_990; offset < 5_010; offset++) {
            PriorAttempts.Verdict expected = offset < 4_996 || offset == 5_007 ? PriorAttempts.Verdict.HANDLED
                    : offset == 5_008 ? PriorAttempts.Verdict.ADOPT
                    : offset < 5_000 ? PriorAttempts.Verdict.ORPHANED : PriorAttempts.Verdict.NEW;
            PriorAttempts.Found found = prior.lookUp(new RequestIdentity("scan", "scan-input", 0, offset));
            assertThat(found.verdict()).as("offset " + offset).isEqualTo(expected);
            if (expected == PriorAttempts.Verdict.ORPHANED) {
                assertThat(found.attempts()).extracting(Attempt::number).containsExactly(1);
            }
        }
        assertThat(prior.lookUp(new RequestIdentity("scan", "scan-input", 0, 4_995)).verdict()).as("each match is used once")
                .isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(prior.lookUp(new RequestIdentity("scan", "scan-input", 0, 4_980)).verdict()).as("below the first redelivered offset")
                .isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(prior.lookUp(new RequestIdentity("scan", "scan-input", 1, 4_995)).verdict()).as("a partition not assigned here")
                .isEqualTo(PriorAttempts.Verdict.NEW);
    }

    private static TrackedRequest tracked(String connector, int partition, long offset) {
        return new TrackedRequest(new RequestIdentity(connector, "scan-input", partition, offset), "r-" + partition + "-" + offset, "async",
                "auto", null, Map.of());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, long time, TrackingRecord record) {
        producer.send(new ProducerRecord<>("scan-tracking", null, time, record.key().getBytes(StandardCharsets.UTF_8),
                TrackingRecordCodec.encode(record)));
    }

    @Test
    void badSettingsAreReportedPerFieldByTheValidateEndpoint() {
        Map<String, String> props = sinkConfig("invalid", "whatever", "t", false);
        props.put("name", "invalid");
        props.put(LtxSinkConfig.REQUEST_TYPE, "callback");
        props.put(LtxSinkConfig.DEFAULT_DURATION, "25");
        props.put(LtxSinkConfig.PROVIDER, "fastest");
        ConfigInfos infos = connect.validateConnectorConfig(LtxSinkConnector.class.getSimpleName(), props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        assertThat(errors).containsOnlyKeys(LtxSinkConfig.DEFAULT_DURATION, LtxSinkConfig.PROVIDER);

        props.put(LtxSinkConfig.DEFAULT_DURATION, "10");
        props.put(LtxSinkConfig.PROVIDER, "auto");
        infos = connect.validateConnectorConfig(LtxSinkConnector.class.getSimpleName(), props);
        List<String> callbackErrors = infos.configs().stream().filter(c -> c.configValue().name().equals(LtxSinkConfig.CALLBACK_URL))
                .findFirst().orElseThrow().configValue().errors();
        assertThat(callbackErrors).singleElement().asString().contains("required when ltx.request.type=callback");
        assertThat(infos.errorCount()).isEqualTo(1);
    }

    @Test
    void aClearTextApiUrlAndTransportRulesAreReportedPerFieldByTheValidateEndpointWithoutTheProxyPassword() {
        Map<String, String> props = sinkConfig("transport", "whatever", "t", false);
        props.put("name", "transport");
        props.put(LtxSinkConfig.API_URL, "http://api.apixo.ai/api/v1");
        props.put(ApiTransportConfig.PROXY_HOST, "proxy.corp");
        props.put(ApiTransportConfig.PROXY_USERNAME, "svc-ltx");
        props.put(ApiTransportConfig.PROXY_PASSWORD, "proxy-PW-in-REST-check");
        ConfigInfos infos = connect.validateConnectorConfig(LtxSinkConnector.class.getSimpleName(), props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        assertThat(errors).containsOnlyKeys(LtxSinkConfig.API_URL, ApiTransportConfig.PROXY_PORT);
        assertThat(errors.get(LtxSinkConfig.API_URL)).singleElement().asString().contains("the API key would travel in clear text");
        assertThat(infos.toString()).contains("svc-ltx").doesNotContain("proxy-PW-in-REST-check");
    }
}
