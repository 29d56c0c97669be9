package io.ltx2.connect.source;

import io.ltx2.connect.it.SourceIt;
import io.ltx2.connect.it.SourceItFixture;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.ltx2.connect.it.SourceIt.Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source connector on a real broker and Connect worker, against the API simulator running 100
 * times faster than the real API: every outcome, restarts, offsets through the REST API, the
 * partition split, and the status calls per task of the two schedules.
 */
class LtxSourceConnectorIT extends SourceItFixture {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceConnectorIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private String bootstrap;

    LtxSourceConnectorIT() {
        super("source-it", 1, false);
    }

    @BeforeAll
    void readBootstrap() {
        bootstrap = connect.kafka().bootstrapServers();
    }

    private void startConnector(String name, Map<String, String> props, int tasks) throws InterruptedException {
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "source connector did not start");
    }

    private List<String> assignedPartitions(String connector) {
        List<TaskInfo> tasks = connect.taskConfigs(connector);
        return tasks.stream().map(t -> t.config().get("ltx.source.task.partitions")).sorted().toList();
    }

    @Test
    void eachOutcomeGivesExactlyOneEventWithTheRightFieldsAndTwoTasksSplitThePartitions() throws Exception {
        String tracking = "tasks-outcomes";
        String events = "events-outcomes";
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 1);
        long now = System.currentTimeMillis();
        List<TrackingRecord> records = new ArrayList<>();
        records.add(SourceIt.submit(client, "ok-1", SourceIt.text("A red fox in the snow", "480p", 5), "async", null));
        records.add(SourceIt.submit(client, "ok-2", SourceIt.text("Neon city at night", "720p", 8), "async", null));
        records.add(SourceIt.submit(client, "violation-1", SourceIt.text("Something #violation", "480p", 5), "async", null));
        records.add(SourceIt.submit(client, "image-1", SourceIt.image("Waves", "https://img.test/invalid-image.png"), "async", null));
        records.add(SourceIt.submit(client, "lora-1", SourceIt.lora("Style", "https://l.test/invalid-lora?download=true"), "async", null));
        records.add(TrackingRecord.rejected(SourceIt.request("rejected-1", SourceIt.text("", "480p", 5), "async"), "INVALID_REQUEST",
                "input.prompt: must have 1 to 5000 characters", List.of(), now));
        records.add(TrackingRecord.submitted(SourceIt.request("lost-1", SourceIt.text("lost", "480p", 5), "async"), "no-such-task-id", 1,
                List.of(), now));
        // Submitted "long ago": the 20 s time-out runs out before this 1080p LoRA task (about 1.5 s here) can finish.
        TrackingRecord slow = SourceIt.submit(client, "slow-1", new GenerationInput("text-to-video-LoRA", "Slow",
                "1080p", 20, "16:9", null, 1L, List.of(new Lora("https://l.test/ok?download=true", 1.0))), "async", null);
        records.add(TrackingRecord.submitted(slow.request(), slow.taskId(), 1, List.of(), now - 19_700));
        SourceIt.write(bootstrap, tracking, records);

        Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 2);
        startConnector("outcomes", props, 2);
        assertThat(assignedPartitions("outcomes")).containsExactly("0", "1");

        List<Event> got = SourceIt.readEvents(bootstrap, events, 8, WAIT, Duration.ofSeconds(3));
        Map<String, Event> byKey = got.stream().collect(Collectors.toMap(Event::key, Function.identity()));
        assertThat(got).hasSize(8);
        assertThat(byKey).hasSize(8);

        Event ok = byKey.get("ok-1");
        assertThat(ok.state()).isEqualTo("success");
        assertThat(ok.value().path("resultUrls")).isNotEmpty();
        assertThat(ok.value().path("resultUrls").get(0).asText()).startsWith("http");
        assertThat(ok.value().path("taskId").asText()).isEqualTo(records.get(0).taskId());
        assertThat(ok.value().path("completeTime").asLong()).isPositive();
        assertThat(ok.value().path("detectTime").asLong()).isGreaterThanOrEqualTo(ok.value().path("completeTime").asLong());
        assertThat(ok.value().path("sourceTopic").asText()).isEqualTo("requests");
        assertThat(ok.value().path("input").asText()).contains("A red fox in the snow");
        assertThat(ok.headers()).containsEntry("ltx.request.id", "ok-1").containsEntry("ltx.task.id", records.get(0).taskId());
        assertThat(byKey.get("ok-2").state()).isEqualTo("success");

        assertThat(byKey.get("violation-1").state()).isEqualTo("failed");
        assertThat(byKey.get("violation-1").failCode()).isEqualTo("CONTENT_VIOLATION");
        assertThat(byKey.get("image-1").failCode()).isEqualTo("INVALID_IMAGE_URL");
        assertThat(byKey.get("lora-1").failCode()).isEqualTo("INVALID_LORA_URL");

        Event rejected = byKey.get("rejected-1");
        assertThat(rejected.state()).isEqualTo("rejected");
        assertThat(rejected.failCode()).isEqualTo("INVALID_REQUEST");
        assertThat(rejected.value().path("failMsg").asText()).contains("input.prompt");
        assertThat(rejected.value().path("taskId").isNull()).isTrue();

        assertThat(byKey.get("lost-1").state()).isEqualTo("failed");
        assertThat(byKey.get("lost-1").failCode()).isEqualTo("NOT_FOUND");
        assertThat(byKey.get("slow-1").state()).isEqualTo("failed");
        assertThat(byKey.get("slow-1").failCode()).isEqualTo("TIMEOUT");

        // The task's JMX metrics count what it emitted.
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long success = 0;
        long failed = 0;
        for (int task = 0; task < 2; task++) {
            ObjectName mbean = new ObjectName(
                    "io.ltx2.connect:type=source-task-metrics,connector=\"outcomes\",task=" + task);
            success += ((Number) jmx.getAttribute(mbean, "events-success-total")).longValue();
            failed += ((Number) jmx.getAttribute(mbean, "events-failed-total")).longValue();
        }
        assertThat(success).isEqualTo(2);
        assertThat(failed).isEqualTo(5);
        assertThat(io.ltx2.connect.metrics.JmxMetrics.pluginSum("outcomes", "events-failed-total")).as("also a KIP-877 plugin metric")
                .isEqualTo(5);
        assertThat(io.ltx2.connect.metrics.JmxMetrics.pluginSum("outcomes", "status-calls-per-request-count"))
                .as("status calls per resolved request, recorded for each followed request").isGreaterThanOrEqualTo(5);
        // A partition added to the tracking topic is picked up without a restart by hand.
        try (Admin admin = Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            admin.createPartitions(Map.of(tracking, NewPartitions.increaseTo(3))).all().get();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(assignedPartitions("outcomes")).containsExactly("0,2", "1"));
        connect.deleteConnector("outcomes");
    }

    /**
     * Issue 12: requests keyed by user with no request_id lost their events (7 requests under 2
     * keys gave 2 events). Each record is a request; a second task of one request (a zombie create)
     * gives no second event and is counted.
     */
    @Test
    void requestsSharingARequestIdEachGetTheirEventAndASecondTaskOfOneRequestGivesNone() throws Exception {
        String tracking = "tasks-identity";
        String events = "events-identity";
        connect.kafka().createTopic(tracking, 3);
        connect.kafka().createTopic(events, 1);
        List<TrackingRecord> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            records.add(SourceIt.submit(client, i % 2 == 0 ? "user-a" : "user-b", SourceIt.text("Shared " + i, "480p", 5), "async", null));
        }
        TrackedRequest zombie = SourceIt.request("user-z", SourceIt.text("Zombie", "480p", 5), "async");
        records.add(TrackingRecord.intent(zombie, 1, System.currentTimeMillis()));
        records.add(TrackingRecord.submitted(zombie, SourceIt.create(client, zombie, null), 1, List.of(), System.currentTimeMillis()));
        records.add(TrackingRecord.intent(zombie, 2, System.currentTimeMillis()));
        records.add(TrackingRecord.submitted(zombie, SourceIt.create(client, zombie, null), 2, List.of(), System.currentTimeMillis()));
        SourceIt.write(bootstrap, tracking, records);
        startConnector("identity", SourceIt.connectorProps(bootstrap, sim, tracking, events, 1), 1);

        List<Event> got = SourceIt.readEvents(bootstrap, events, 8, WAIT, Duration.ofSeconds(3));
        assertThat(got).hasSize(8).allMatch(e -> e.state().equals("success"));
        assertThat(got.stream().collect(Collectors.groupingBy(Event::key, Collectors.counting())))
                .containsEntry("user-a", 4L).containsEntry("user-b", 3L).containsEntry("user-z", 1L);
        assertThat(got.stream().map(e -> e.headers().get("ltx.request.identity")).distinct()).hasSize(8);
        assertThat(got).allMatch(e -> e.value().path("attempt").asInt() >= 1);
        assertThat(got.get(0).headers()).containsKey("traceparent");
        ObjectName mbean = new ObjectName("io.ltx2.connect:type=source-task-metrics,connector=\"identity\",task=0");
        await().atMost(WAIT).untilAsserted(() -> assertThat(((Number) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(mbean, "duplicate-tasks-total")).longValue()).isEqualTo(1L));
        connect.deleteConnector("identity");
    }

    @Test
    void aRefusedApiKeyFailsTheTaskAtStartWithAClearMessageWithoutTheKey() throws Exception {
        String tracking = "tasks-auth";
        connect.kafka().createTopic(tracking, 1);
        connect.kafka().createTopic("events-auth", 1);
        // No task to follow: the task checks the key at start, it does not wait for the first real status call.
        Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, "events-auth", 1);
        String wrongKey = "wrong-key-that-must-not-leak";
        props.put("ltx.api.key", wrongKey);
        connect.configureConnector("auth", props);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("auth", 1, "task should fail on 401");
        String trace = connect.connectorStatus("auth").tasks().get(0).trace();
        assertThat(trace).contains("check ltx.api.key").contains("401").doesNotContain(wrongKey);
        // (The worker's own GET /connectors/auth shows a literal key as given: users pass it through a config provider.)
        connect.deleteConnector("auth");
    }

    @Test
    void statusAnswersThatStayMalformedEndAsAFailedEventNotACrash() throws Exception {
        String tracking = "tasks-malformed";
        String events = "events-malformed";
        connect.kafka().createTopic(tracking, 1);
        connect.kafka().createTopic(events, 1);
        TrackingRecord r = SourceIt.submit(client, "malformed-1", SourceIt.text("Malformed", "480p", 5), "async", null);
        sim.setFaults(Faults.builder()
                .malformedStatus(1.0, Faults.MalformedKind.NOT_JSON).build());
        try {
            SourceIt.write(bootstrap, tracking, List.of(r));
            Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 1);
            props.put("ltx.poll.malformed.max", "3");
            startConnector("malformed", props, 1);
            List<Event> got = SourceIt.readEvents(bootstrap, events, 1, WAIT, Duration.ofSeconds(1));
            assertThat(got).hasSize(1);
            assertThat(got.get(0).state()).isEqualTo("failed");
            assertThat(got.get(0).failCode()).isEqualTo("MALFORMED_RESPONSE");
            assertThat(got.get(0).value().path("failMsg").asText()).contains("3 unreadable status answers");
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("malformed", 1, "task must keep running");
        } finally {
            sim.setFaults(Faults.NONE);
        }
        connect.deleteConnector("malformed");
    }

    @Test
    void restartMidFlightReEmitsNothingAndLosesNothing() throws Exception {
        String tracking = "tasks-restart";
        String events = "events-restart";
        connect.kafka().createTopic(tracking, 1);
        connect.kafka().createTopic(events, 1);
        startConnector("restart", SourceIt.connectorProps(bootstrap, sim, tracking, events, 1), 1);
        int n = 16;
        List<TrackingRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(SourceIt.submit(client, "r-" + i, SourceIt.text("Restart " + i, i % 2 == 0 ? "480p" : "720p", 5 + i % 10), "async", null));
        }
        SourceIt.write(bootstrap, tracking, batch);
        await().atMost(WAIT).until(() -> SourceIt.readEvents(bootstrap, events, 4, Duration.ofSeconds(2), Duration.ZERO).size() >= 4);
        connect.restartConnectorAndTasks("restart", false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("restart", 1, "not running after restart");

        List<Event> got = SourceIt.readEvents(bootstrap, events, n, WAIT, Duration.ofSeconds(4));
        assertThat(got.stream().map(Event::key).distinct()).hasSize(n);
        assertThat(got).as("no event emitted twice across the restart").hasSize(n);
        connect.deleteConnector("restart");
    }

    @Test
    void offsetsThroughTheRestApiBadShapesAreRefusedAndAResetReEmits() throws Exception {
        String tracking = "tasks-offsets";
        String events = "events-offsets";
        String name = "offsets";
        connect.kafka().createTopic(tracking, 1);
        connect.kafka().createTopic(events, 1);
        List<TrackingRecord> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(SourceIt.submit(client, "o-" + i, SourceIt.text("Offsets " + i, "480p", 5), "async", null));
        }
        SourceIt.write(bootstrap, tracking, batch);
        startConnector(name, SourceIt.connectorProps(bootstrap, sim, tracking, events, 1), 1);
        assertThat(SourceIt.readEvents(bootstrap, events, 3, WAIT, Duration.ofSeconds(1))).hasSize(3);
        await().atMost(WAIT).untilAsserted(() -> {
            ConnectorOffsets offsets = connect.connectorOffsets(name);
            assertThat(offsets.offsets()).hasSize(1);
            assertThat(((Number) offsets.offsets().get(0).offset().get("watermark")).longValue()).isEqualTo(3L);
        });

        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector did not stop");
        String url = connect.endpointForResource("connectors/" + name + "/offsets");
        Response bad = connect.requestPatch(url, "{\"offsets\":[{\"partition\":{\"topic\":\"" + tracking + "\"},\"offset\":{\"watermark\":1}}]}");
        // The worker reports a connector's refusal as 500 with the connector's message.
        String badBody = String.valueOf(bad.getEntity());
        log.info("PATCH with a bad partition answered {}: {}", bad.getStatus(), badBody);
        assertThat(bad.getStatus()).isGreaterThanOrEqualTo(400);
        assertThat(badBody).contains("exactly the keys 'topic'");
        Response badOffset = connect.requestPatch(url, "{\"offsets\":[{\"partition\":{\"topic\":\"" + tracking
                + "\",\"partition\":0},\"offset\":{\"watermark\":\"one\"}}]}");
        assertThat(badOffset.getStatus()).isGreaterThanOrEqualTo(400);
        assertThat(String.valueOf(badOffset.getEntity())).contains("'watermark' must be an integer");

        connect.resetConnectorOffsets(name);
        connect.resumeConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "not running after reset");
        List<Event> got = SourceIt.readEvents(bootstrap, events, 6, WAIT, Duration.ofSeconds(2));
        assertThat(got).hasSize(6);
        assertThat(got.stream().collect(Collectors.groupingBy(Event::key, Collectors.counting()))).allSatisfy((k, c) -> assertThat(c).isEqualTo(2L));
        connect.deleteConnector(name);
    }

    @Test
    void adaptiveScheduleNeedsNoMoreStatusCallsPerTaskThanTheFixedOne() throws Exception {
        Map<String, List<String>> taskIds = Map.of("adaptive", new ArrayList<>(), "fixed", new ArrayList<>());
        Map<String, List<Event>> got = new HashMap<>();
        for (String schedule : List.of("adaptive", "fixed")) {
            String tracking = "tasks-" + schedule;
            String events = "events-" + schedule;
            connect.kafka().createTopic(tracking, 1);
            connect.kafka().createTopic(events, 1);
            Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 1);
            props.put("ltx.poll.schedule", schedule);
            startConnector(schedule, props, 1);
        }
        // The same workload for both, in waves so that the adaptive schedule can learn: 5 waves of 6 tasks.
        String[] resolutions = {"480p", "720p", "1080p"};
        int total = 0;
        for (int wave = 0; wave < 5; wave++) {
            for (String schedule : List.of("adaptive", "fixed")) {
                List<TrackingRecord> batch = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String res = resolutions[i % 3];
                    TrackingRecord r = SourceIt.submit(client, schedule + "-" + wave + "-" + i, SourceIt.text("Compare " + wave + i, res, 10), "async", null);
                    taskIds.get(schedule).add(r.taskId());
                    batch.add(r);
                }
                SourceIt.write(bootstrap, "tasks-" + schedule, batch);
            }
            total += 6;
            Thread.sleep(1_500);
        }
        for (String schedule : List.of("adaptive", "fixed")) {
            got.put(schedule, SourceIt.readEvents(bootstrap, "events-" + schedule, total, WAIT, Duration.ZERO));
            assertThat(got.get(schedule)).hasSize(total).allMatch(e -> e.state().equals("success"));
        }
        SimulatorStats stats = sim.stats();
        Map<String, Double> calls = new HashMap<>();
        Map<String, Double> delay = new HashMap<>();
        for (String schedule : List.of("adaptive", "fixed")) {
            calls.put(schedule, taskIds.get(schedule).stream().mapToLong(stats::statusCallsFor).average().orElseThrow());
            delay.put(schedule, got.get(schedule).stream()
                    .mapToLong(e -> e.value().path("detectTime").asLong() - e.value().path("completeTime").asLong()).average().orElseThrow());
            connect.deleteConnector(schedule);
        }
        log.info("FIGURES status calls per task: adaptive {} vs fixed {} (vendor advice 60 s + 5 s, scaled); mean detection delay "
                        + "adaptive {} ms vs fixed {} ms at time scale {} (x{} for the real API)",
                String.format("%.2f", calls.get("adaptive")), String.format("%.2f", calls.get("fixed")),
                String.format("%.0f", delay.get("adaptive")), String.format("%.0f", delay.get("fixed")), SourceIt.TIME_SCALE,
                Math.round(1 / SourceIt.TIME_SCALE));
        assertThat(calls.get("adaptive")).isLessThanOrEqualTo(calls.get("fixed"));
    }
}
