package io.ltx2.connect.sink;

import io.ltx2.connect.sink.cost.BudgetHistory;
import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.ItConnectors;
import io.ltx2.connect.metrics.JmxMetrics;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cost and quota controls on a real broker and two real Connect workers, against the simulator:
 * spend caps pause and resume without losing a record, across a restart; dry run makes no create
 * call; the calls-per-minute budget holds across the tasks of both connectors sharing one key.
 */
class CostControlsIT {
    private static final Logger log = LoggerFactory.getLogger(CostControlsIT.class);
    private static final String KEY = "sk-it-cost-key-3b8e01d2";
    private static final Duration AWAIT = Duration.ofSeconds(90);

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startCluster() {
        connect = ItCluster.shared();
    }

    @AfterAll
    static void stopCluster() {
        ItCluster.releaseShared();
    }

    private static Map<String, String> sinkConfig(ApiSimulator sim, String topic, String tracking, int tasks) {
        Map<String, String> props = ItConnectors.sink(sim.baseUrl(), KEY, connect.kafka().bootstrapServers(), topic, tracking);
        props.put("tasks.max", Integer.toString(tasks));
        return props;
    }

    private static Map<String, String> sourceConfig(ApiSimulator sim, String tracking, String events, int tasks) {
        Map<String, String> c = ItConnectors.source(sim.baseUrl(), KEY, connect.kafka().bootstrapServers(), tracking, events, 0.01);
        c.put("tasks.max", Integer.toString(tasks));
        c.put("ltx.api.retry.backoff.max.ms", "1000");
        return c;
    }

    private static String request(String id, int duration) {
        return "{\"request_id\":\"" + id + "\",\"mode\":\"text-to-video\",\"prompt\":\"a lighthouse " + id + "\",\"resolution\":\"480p\","
                + "\"duration\":" + duration + ",\"seed\":7}";
    }

    private static List<ConsumerRecord<byte[], byte[]>> trackingRecords(String topic) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        connect.kafka().consumeAll(30_000, topic).forEach(out::add);
        return out;
    }

    private static List<TrackingRecord> tracking(String topic, TrackingRecordType type) throws Exception {
        return trackingRecords(topic).stream().map(r -> TrackingRecordCodec.decode(r.value())).filter(t -> t.type() == type).toList();
    }

    private static void awaitCount(String topic, TrackingRecordType type, int count) {
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(tracking(topic, type)).hasSize(count));
    }

    /** SUBMITTED records of requests from {@code input} (not the earlier spend the test planted). */
    private static List<TrackingRecord> submittedFrom(String tracking, String input) throws Exception {
        return tracking(tracking, TrackingRecordType.SUBMITTED).stream().filter(t -> input.equals(t.source().topic())).toList();
    }

    private static void awaitSubmitted(String tracking, String input, int count) {
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(submittedFrom(tracking, input)).hasSize(count));
    }

    /** Asserts the SUBMITTED count stays at {@code count} for {@code period}: the input is paused, not just slow. */
    private static void assertStaysAt(String tracking, String input, int count, Duration period) throws Exception {
        long end = System.currentTimeMillis() + period.toMillis();
        while (System.currentTimeMillis() < end) {
            assertThat(submittedFrom(tracking, input)).hasSize(count);
            Thread.sleep(1_000);
        }
    }

    /** Sum over the connector's tasks of one of the sink's metrics, read from JMX (the workers run in this JVM). */
    private static double pluginMetricSum(String connector, String attribute) {
        assertThat(JmxMetrics.tasks("sink-task-metrics", connector)).as("tasks exposing " + attribute).isPositive();
        return JmxMetrics.sum("sink-task-metrics", connector, attribute);
    }

    @Test
    void hourlyCapPausesAndResumesWithoutLosingARecordAcrossARestart() throws Exception {
        String name = "cost-cap";
        String input = "cost-cap-requests";
        String tracking = "cost-cap-tracking";
        connect.kafka().createTopic(input, 2);
        connect.kafka().createTopic(tracking, 3);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).timeScale(0.001).build().start()) {
            // Earlier submissions of this connector, as its tasks would have tagged them: 30 s per task, made
            // almost an hour ago, so they leave the hourly window about 50 s from now.
            long start = System.currentTimeMillis();
            long old = start - Duration.ofHours(1).toMillis() + 50_000;
            Map<String, Object> producerProps = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(producerProps)) {
                for (int task = 0; task < 2; task++) {
                    for (int i = 0; i < 2; i++) {
                        GenerationInput in = new GenerationInput("text-to-video", "earlier", "480p", 15, "16:9", null, 7L, null);
                        TrackedRequest request = new TrackedRequest(new RequestIdentity(name, "elsewhere", task, i), "earlier-" + task + "-" + i,
                                "async", "auto", in, Map.of());
                        TrackingRecord earlier = TrackingRecord.submitted(request, "task-earlier-" + task + "-" + i, 1, List.of(), old);
                        producer.send(new ProducerRecord<>(tracking, null, old, earlier.key().getBytes(StandardCharsets.UTF_8),
                                TrackingRecordCodec.encode(earlier), BudgetHistory.tags(task))).get();
                    }
                }
            }
            Set<String> ids = new HashSet<>();
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < 6; i++) {
                    String id = "cap-" + p + "-" + i;
                    ids.add(id);
                    connect.kafka().produce(input, p, id, request(id, 5));
                }
            }
            Map<String, String> props = sinkConfig(sim, input, tracking, 2);
            props.put(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "80"); // 40 s per task, 30 s already spent by each
            props.put(LtxSinkConfig.BUDGET_SECONDS_PER_DAY, "1000");
            connect.configureConnector(name, props);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "sink did not start");

            // Each task has 10 s left: two 5-second requests each, then the input pauses.
            awaitSubmitted(tracking, input, 4);
            assertStaysAt(tracking, input, 4, Duration.ofSeconds(4));
            log.info("Paused at 4 submissions {} ms after start", System.currentTimeMillis() - start);

            // A restart rebuilds the spend from the tracking topic: still capped.
            connect.restartConnectorAndTasks(name, false, true, false);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "sink did not restart");
            long untilExpiry = old + Duration.ofHours(1).toMillis() - System.currentTimeMillis() - 3_000;
            assertThat(untilExpiry).as("the test ran too slowly to observe the pause after the restart").isGreaterThan(2_000);
            assertStaysAt(tracking, input, 4, Duration.ofMillis(untilExpiry));
            log.info("Still paused after the restart {} ms after start", System.currentTimeMillis() - start);

            // Once the earlier submissions leave the window, the rest go out: each exactly once, none rejected.
            awaitSubmitted(tracking, input, 12);
            long resumedAt = System.currentTimeMillis();
            List<TrackingRecord> submitted = submittedFrom(tracking, input);
            assertThat(submitted).extracting(TrackingRecord::requestId).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(submitted.stream().filter(t -> t.time() < old + Duration.ofHours(1).toMillis()).count())
                    .as("submitted before the window allowed").isEqualTo(4);
            assertThat(tracking(tracking, TrackingRecordType.REJECTED)).isEmpty();
            assertThat(sim.stats().tasksCreated()).isEqualTo(12);
            log.info("All 12 submitted {} ms after start ({} ms after the earlier spend left the window)", resumedAt - start,
                    resumedAt - old - Duration.ofHours(1).toMillis());

            // The metrics of the restarted tasks: 8 requests of 5 s submitted, 60 of 80 s used in the hour, and
            // the time they waited for the earlier spend to leave the window.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(pluginMetricSum(name, "video-seconds-submitted-total")).isEqualTo(40.0));
            assertThat(pluginMetricSum(name, "budget-remaining-hour-seconds")).isEqualTo(20.0);
            double paused = pluginMetricSum(name, "budget-paused-ms-total");
            log.info("Metrics after the restart: 40 video seconds submitted, 20 s left this hour, {} ms paused by the cap", paused);
            assertThat(paused).isGreaterThan(2 * 20_000.0);
        } finally {
            connect.deleteConnector(name);
        }
    }

    @Test
    void dryRunRecordsWhatWouldBeSubmittedAndMakesNoCreateCall() throws Exception {
        String sink = "cost-dry-sink";
        String source = "cost-dry-source";
        String input = "cost-dry-requests";
        String tracking = "cost-dry-tracking";
        String events = "cost-dry-events";
        connect.kafka().createTopic(input, 2);
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 2);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).timeScale(0.001).build().start()) {
            for (int i = 0; i < 5; i++) {
                connect.kafka().produce(input, i % 2, "dry-" + i, request("dry-" + i, 6));
            }
            connect.kafka().produce(input, 0, "dry-bad", request("dry-bad", 99));
            Map<String, String> props = sinkConfig(sim, input, tracking, 2);
            props.put(LtxSinkConfig.DRY_RUN, "true");
            connect.configureConnector(sink, props);
            connect.configureConnector(source, sourceConfig(sim, tracking, events, 1));
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 2, "sink did not start");

            awaitCount(tracking, TrackingRecordType.REJECTED, 6);
            List<TrackingRecord> rejected = tracking(tracking, TrackingRecordType.REJECTED);
            Map<String, String> codes = rejected.stream().collect(Collectors.toMap(TrackingRecord::requestId, TrackingRecord::failCode));
            assertThat(codes).containsEntry("dry-bad", FailCodes.INVALID_REQUEST);
            assertThat(codes).containsEntry("dry-0", FailCodes.DRY_RUN).hasSize(6);
            assertThat(codes.values().stream().filter(FailCodes.DRY_RUN::equals).count()).isEqualTo(5);
            assertThat(rejected.stream().filter(t -> FailCodes.DRY_RUN.equals(t.failCode())))
                    .allSatisfy(t -> assertThat(t.input().duration()).isEqualTo(6));

            // The source turns them into rejected events that echo the input.
            List<JsonNode> out = new ArrayList<>();
            await().atMost(AWAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                out.clear();
                for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, events)) {
                    out.add(Json.MAPPER.readTree(r.value()));
                }
                assertThat(out).hasSize(6);
            });
            List<JsonNode> dry = out.stream().filter(e -> FailCodes.DRY_RUN.equals(e.path("failCode").asText())).toList();
            assertThat(dry).hasSize(5).allSatisfy(e -> {
                assertThat(e.path("state").asText()).isEqualTo("rejected");
                assertThat(e.path("input").asText()).contains("a lighthouse dry-");
            });

            SimulatorStats stats = sim.stats();
            assertThat(stats.createCalls()).isZero();
            assertThat(stats.tasksCreated()).isZero();
        } finally {
            connect.deleteConnector(sink);
            connect.deleteConnector(source);
        }
    }

    /**
     * The simulator allows 20 calls per 10 s (120 a minute) for the key, and each task takes 12 s, so the
     * source keeps wanting status calls while the sink still wants creates. The key's limit is declared as
     * 72 a minute and each connector takes half: 36 a minute, 18 per task. Four tasks on two workers, each
     * with a one-call burst, make at most 6 + 6 + 4 = 16 calls in any 10 s; connectors that each assumed the
     * whole key would make ~28 and get 429s (checked by running this test with ltx.quota.share=1.0).
     */
    @Test
    void sharedCallBudgetHoldsAcrossTheTasksOfBothConnectors() throws Exception {
        String sink = "cost-quota-sink";
        String source = "cost-quota-source";
        String input = "cost-quota-requests";
        String tracking = "cost-quota-tracking";
        String events = "cost-quota-events";
        connect.kafka().createTopic(input, 2);
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 2);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).fixedGenerationTime(Duration.ofSeconds(12))
                .callsPerMinute(20).rateWindow(Duration.ofSeconds(10)).build().start()) {
            int requests = 10;
            for (int i = 0; i < requests; i++) {
                connect.kafka().produce(input, i % 2, "q-" + i, request("q-" + i, 5));
            }
            Map<String, String> sinkProps = sinkConfig(sim, input, tracking, 2);
            Map<String, String> sourceProps = sourceConfig(sim, tracking, events, 2);
            for (Map<String, String> p : List.of(sinkProps, sourceProps)) {
                p.put("ltx.quota.key.calls.per.minute", "72");
                p.put("ltx.quota.share", "0.5");
                p.put("ltx.api.rate.limit.per.minute", "10000");
            }
            long start = System.currentTimeMillis();
            connect.configureConnector(source, sourceProps);
            connect.configureConnector(sink, sinkProps);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 2, "sink did not start");
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(source, 2, "source did not start");

            await().atMost(AWAIT).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(connect.kafka().consumeAll(30_000, events)).hasSize(requests));
            SimulatorStats stats = sim.stats();
            log.info("Shared budget: {} creates, {} status calls in {} ms; peak {} calls in a 10 s window (limit 20), {} x 429, "
                            + "peak {} concurrent tasks", stats.createCalls(), stats.statusCalls(), System.currentTimeMillis() - start,
                    stats.peakCallsInWindow(), stats.rateLimited(), stats.peakConcurrent());
            assertThat(stats.rateLimited()).as("429 answers: the tasks together went over the key's limit").isZero();
            assertThat(stats.peakCallsInWindow()).isLessThanOrEqualTo(20);
            assertThat(stats.tasksCreated()).isEqualTo(requests);
            // The budget was the bottleneck: 10 creates wanted at once took several seconds.
            List<Long> createTimes = stats.tasks().values().stream().map(SimulatorStats.TaskStats::createTime).sorted().toList();
            assertThat(createTimes.get(createTimes.size() - 1) - createTimes.get(0)).isGreaterThan(8_000);
        } finally {
            connect.deleteConnector(sink);
            connect.deleteConnector(source);
        }
    }

    /**
     * The simulator lets the key run 4 tasks at once (each takes 2 s). Two sink connectors take half of
     * the key each, 2 running tasks per connector and 1 per task; with the events topic they resolve
     * against, their four tasks on two workers never go over the key's limit, so the API never answers 429.
     */
    @Test
    void concurrencyCapHoldsAcrossTwoSinkConnectorsSharingTheKey() throws Exception {
        String tracking = "cost-conc-tracking";
        String events = "cost-conc-events";
        String source = "cost-conc-source";
        List<String> sinks = List.of("cost-conc-sink-a", "cost-conc-sink-b");
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 2);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).maxConcurrentTasks(4).fixedGenerationTime(Duration.ofSeconds(2))
                .build().start()) {
            int perSink = 6;
            connect.configureConnector(source, sourceConfig(sim, tracking, events, 1));
            for (String sink : sinks) {
                String input = sink + "-requests";
                connect.kafka().createTopic(input, 2);
                for (int i = 0; i < perSink; i++) {
                    connect.kafka().produce(input, i % 2, sink + "-" + i, request(sink + "-" + i, 5));
                }
                Map<String, String> props = sinkConfig(sim, input, tracking, 2);
                props.put("ltx.quota.key.max.concurrent.tasks", "4");
                props.put("ltx.quota.share", "0.5");
                props.put(LtxSinkConfig.CONCURRENCY_EVENTS_TOPIC, events);
                connect.configureConnector(sink, props);
            }
            long start = System.currentTimeMillis();
            for (String sink : sinks) {
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 2, "sink did not start");
            }
            await().atMost(AWAIT).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(connect.kafka().consumeAll(30_000, events)).hasSize(2 * perSink));
            SimulatorStats stats = sim.stats();
            log.info("Concurrency cap: {} tasks in {} ms, peak {} running at once (key limit 4), {} x 429", stats.tasksCreated(),
                    System.currentTimeMillis() - start, stats.peakConcurrent(), stats.rateLimited());
            assertThat(stats.tasksCreated()).isEqualTo(2 * perSink);
            assertThat(stats.rateLimited()).as("429 answers: the sinks together ran more tasks than the key allows").isZero();
            assertThat(stats.peakConcurrent()).isLessThanOrEqualTo(4);
        } finally {
            for (String sink : sinks) {
                connect.deleteConnector(sink);
            }
            connect.deleteConnector(source);
        }
    }

    /**
     * The duplicate guard: a request with the same input and fixed seed as one that succeeded gets that
     * task's result, also after a restart of the sink (the index is rebuilt from the tracking topic);
     * a random seed or a different prompt is a new generation.
     */
    @Test
    void duplicateGuardReusesAnEarlierSuccessInsteadOfPayingAgain() throws Exception {
        String sink = "cost-dup-sink";
        String source = "cost-dup-source";
        String input = "cost-dup-requests";
        String tracking = "cost-dup-tracking";
        String events = "cost-dup-events";
        connect.kafka().createTopic(input, 1);
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 2);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(KEY).timeScale(0.001).build().start()) {
            Map<String, String> props = sinkConfig(sim, input, tracking, 1);
            props.put(LtxSinkConfig.DUPLICATE_WINDOW_MS, "600000");
            connect.configureConnector(source, sourceConfig(sim, tracking, events, 1));
            connect.configureConnector(sink, props);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 1, "sink did not start");
            connect.kafka().produce(input, 0, "dup-a", request("dup-a", 5));
            Map<String, JsonNode> byRequest = new HashMap<>();
            awaitEvents(events, byRequest, 1);

            connect.restartConnectorAndTasks(sink, false, true, false);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 1, "sink did not restart");
            connect.kafka().produce(input, 0, "dup-b", request("dup-a", 5).replace("\"request_id\":\"dup-a\"", "\"request_id\":\"dup-b\""));
            connect.kafka().produce(input, 0, "dup-random", request("dup-a", 5).replace("\"request_id\":\"dup-a\"", "\"request_id\":\"dup-random\"")
                    .replace("\"seed\":7", "\"seed\":-1"));
            connect.kafka().produce(input, 0, "dup-other", request("dup-other", 5));
            awaitEvents(events, byRequest, 4);

            JsonNode a = byRequest.get("dup-a");
            JsonNode b = byRequest.get("dup-b");
            assertThat(a.path("state").asText()).isEqualTo("success");
            assertThat(b.path("state").asText()).isEqualTo("success");
            assertThat(b.path("taskId").asText()).isEqualTo(a.path("taskId").asText());
            assertThat(b.path("resultUrls")).isEqualTo(a.path("resultUrls"));
            assertThat(b.path("sourceOffset").asLong()).isEqualTo(1);
            assertThat(byRequest.get("dup-random").path("taskId").asText()).isNotEqualTo(a.path("taskId").asText());
            assertThat(byRequest.get("dup-other").path("taskId").asText()).isNotEqualTo(a.path("taskId").asText());
            SimulatorStats stats = sim.stats();
            log.info("Duplicate guard: 4 requests, {} tasks created, {} create calls, {} status calls", stats.tasksCreated(),
                    stats.createCalls(), stats.statusCalls());
            assertThat(stats.tasksCreated()).isEqualTo(3);
            assertThat(stats.createCalls()).isEqualTo(3);
        } finally {
            connect.deleteConnector(sink);
            connect.deleteConnector(source);
        }
    }

    private static void awaitEvents(String topic, Map<String, JsonNode> byRequest, int count) {
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            byRequest.clear();
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, topic)) {
                JsonNode e = Json.MAPPER.readTree(r.value());
                byRequest.put(e.path("requestId").asText(), e);
            }
            assertThat(byRequest).hasSize(count);
        });
    }
}
