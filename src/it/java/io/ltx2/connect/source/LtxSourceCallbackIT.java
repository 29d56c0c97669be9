package io.ltx2.connect.source;

import io.ltx2.connect.it.SourceIt;
import io.ltx2.connect.it.SourceItFixture;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.ltx2.connect.it.SourceIt.Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Callback mode end to end: the simulator's webhooks reach the receiver, which the source tasks host. */
class LtxSourceCallbackIT extends SourceItFixture {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceCallbackIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "it-callback-token-0123456789";

    private final HttpClient http = HttpClient.newHttpClient();

    LtxSourceCallbackIT() {
        super("source-callback-it", 1, false);
    }

    private int post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void callbacksResolveTasksWithOneStatusCallForgedOnesEmitNothingAndLostOnesResolveByTheSafetyNet() throws Exception {
        String bootstrap = connect.kafka().bootstrapServers();
        String tracking = "tasks-callback";
        String events = "events-callback";
        connect.kafka().createTopic(tracking, 2);
        connect.kafka().createTopic(events, 1);
        int port = SourceIt.freePort();
        String callbackUrl = "http://127.0.0.1:" + port + "/callback/" + TOKEN;
        Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 2);
        props.put("ltx.callback.enabled", "true");
        props.put("ltx.callback.listener.port", String.valueOf(port));
        props.put("ltx.callback.token", TOKEN);
        props.put("ltx.callback.safety.poll.interval.ms", "4000");
        connect.configureConnector("callback", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("callback", 2, "source connector did not start");

        // Delivered callbacks.
        List<TrackingRecord> delivered = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delivered.add(SourceIt.submit(client, "cb-" + i, SourceIt.text("Callback " + i, i % 2 == 0 ? "480p" : "720p", 5), "callback", callbackUrl));
        }
        SourceIt.write(bootstrap, tracking, delivered);

        // A forged success for a task still running, with the right token: the confirming status call keeps it from being emitted.
        TrackingRecord target = SourceIt.submit(client, "cb-forged-target", SourceIt.text("Target", "1080p", 20), "callback", callbackUrl);
        SourceIt.write(bootstrap, tracking, List.of(target));
        String forged = "{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"" + target.taskId() + "\",\"state\":\"success\","
                + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://evil.test/fake.mp4\\\"]}\"}}";
        assertThat(post(callbackUrl, forged)).isEqualTo(200);
        // Wrong token: refused, nothing written. Unknown task with the right token: stored, then ignored.
        assertThat(post("http://127.0.0.1:" + port + "/callback/not-the-token-000000", forged)).isEqualTo(403);
        assertThat(post(callbackUrl, forged.replace(target.taskId(), "never-submitted"))).isEqualTo(200);

        // Lost callbacks: the safety-net poll still resolves them.
        sim.setFaults(Faults.builder().callbackLossRate(1.0).build());
        List<TrackingRecord> lost = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            lost.add(SourceIt.submit(client, "cb-lost-" + i, SourceIt.text("Lost " + i, "480p", 5), "callback", callbackUrl));
        }
        SourceIt.write(bootstrap, tracking, lost);

        int expected = delivered.size() + 1 + lost.size();
        List<Event> got = SourceIt.readEvents(bootstrap, events, expected, WAIT, Duration.ofSeconds(3));
        Map<String, Event> byKey = got.stream().collect(Collectors.toMap(Event::key, Function.identity()));
        assertThat(got).hasSize(expected);
        assertThat(byKey.keySet()).doesNotContain("never-submitted");
        assertThat(byKey.values()).allMatch(e -> e.state().equals("success"));
        assertThat(byKey.get("cb-forged-target").value().path("resultUrls").toString()).doesNotContain("evil.test");
        assertThat(byKey.keySet()).contains("cb-lost-0", "cb-lost-1");

        SimulatorStats stats = sim.stats();
        double perTask = delivered.stream().mapToLong(r -> stats.statusCallsFor(r.taskId())).average().orElseThrow();
        log.info("FIGURES callback mode: {} status calls per task with delivered callbacks; lost callbacks resolved by the safety net "
                + "with {} and {} calls", String.format("%.2f", perTask), stats.statusCallsFor(lost.get(0).taskId()),
                stats.statusCallsFor(lost.get(1).taskId()));
        assertThat(perTask).isLessThanOrEqualTo(1.25);
        connect.deleteConnector("callback");
        sim.setFaults(Faults.NONE);
    }

    /**
     * A create that was never answered (the sink's worker died between the create and its SUBMITTED
     * record): only the INTENT is on the tracking topic. The task's callback names the request, and its
     * CALLBACK record is written, but the source adopts nothing itself (the sink is the one adopter,
     * deciding from the request's lifecycle): the request waits, without an event, until the sink's
     * SUBMITTED record marked adopted comes; then the task is followed, confirmed by the callback held
     * meanwhile, with one status call.
     */
    @Test
    void aTaskWithoutSubmittedRecordGetsItsEventOnceTheSinkAdoptsIt() throws Exception {
        String bootstrap = connect.kafka().bootstrapServers();
        String tracking = "tasks-adopt";
        String events = "events-adopt";
        connect.kafka().createTopic(tracking, 3);
        connect.kafka().createTopic(events, 1);
        int port = SourceIt.freePort();
        String callbackUrl = "http://127.0.0.1:" + port + "/callback/" + TOKEN;
        Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 1);
        props.put("ltx.callback.enabled", "true");
        props.put("ltx.callback.listener.port", String.valueOf(port));
        props.put("ltx.callback.token", TOKEN);
        props.put("ltx.callback.safety.poll.interval.ms", "60000");
        connect.configureConnector("adopt", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("adopt", 1, "source connector did not start");

        TrackedRequest orphaned = SourceIt.request("adopt-1", SourceIt.text("Orphan", "480p", 5), "callback");
        SourceIt.write(bootstrap, tracking, List.of(TrackingRecord.intent(orphaned, 1, System.currentTimeMillis())));
        long delivered = sim.stats().callbacksDelivered();
        String taskId = SourceIt.create(client, orphaned, callbackUrl); // its SUBMITTED record is never written
        await().atMost(WAIT).until(() -> sim.stats().callbacksDelivered() > delivered);
        assertThat(SourceIt.readEvents(bootstrap, events, 1, Duration.ofSeconds(3), Duration.ZERO))
                .as("a callback alone adopts nothing at the source").isEmpty();

        SourceIt.write(bootstrap, tracking, List.of(TrackingRecord.adopted(orphaned, taskId, 1, List.of(), System.currentTimeMillis())));
        List<Event> got = SourceIt.readEvents(bootstrap, events, 1, WAIT, Duration.ofSeconds(2));
        assertThat(got).hasSize(1);
        Event e = got.get(0);
        assertThat(e.key()).isEqualTo("adopt-1");
        assertThat(e.state()).isEqualTo("success");
        assertThat(e.value().path("taskId").asText()).isEqualTo(taskId);
        assertThat(e.value().path("adopted").asBoolean()).isTrue();
        assertThat(e.value().path("attempt").asInt()).isEqualTo(1);
        assertThat(e.headers()).containsEntry("ltx.adopted", "true").containsEntry("ltx.request.identity", orphaned.identity().key());
        assertThat(sim.stats().statusCallsFor(taskId)).as("the held callback is confirmed with one status call").isEqualTo(1);
        connect.deleteConnector("adopt");
    }

    @Test
    void twoConnectorsShareOneReceiverAndWithoutConfirmationTheCallbackAloneResolves() throws Exception {
        String bootstrap = connect.kafka().bootstrapServers();
        int port = SourceIt.freePort();
        Map<String, List<TrackingRecord>> submitted = new java.util.HashMap<>();
        for (String name : List.of("confirming", "trusting")) {
            String token = name + "-token-0123456789";
            connect.kafka().createTopic("tasks-" + name, 1);
            connect.kafka().createTopic("events-" + name, 1);
            Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, "tasks-" + name, "events-" + name, 1);
            props.put("ltx.callback.enabled", "true");
            props.put("ltx.callback.listener.port", String.valueOf(port));
            props.put("ltx.callback.token", token);
            props.put("ltx.callback.safety.poll.interval.ms", "30000");
            props.put("ltx.callback.confirm", String.valueOf(name.equals("confirming")));
            connect.configureConnector(name, props);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, name + " did not start");
            String url = "http://127.0.0.1:" + port + "/callback?token=" + token;
            List<TrackingRecord> records = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                records.add(SourceIt.submit(client, name + "-" + i, SourceIt.text(name + i, "480p", 5), "callback", url));
            }
            SourceIt.write(bootstrap, "tasks-" + name, records);
            submitted.put(name, records);
        }
        for (String name : List.of("confirming", "trusting")) {
            List<Event> got = SourceIt.readEvents(bootstrap, "events-" + name, 4, WAIT, Duration.ofSeconds(1));
            assertThat(got).hasSize(4).allMatch(e -> e.state().equals("success") && e.key().startsWith(name));
        }
        SimulatorStats stats = sim.stats();
        assertThat(submitted.get("trusting")).allMatch(r -> stats.statusCallsFor(r.taskId()) == 0);
        assertThat(submitted.get("confirming")).allMatch(r -> stats.statusCallsFor(r.taskId()) == 1);
        connect.deleteConnector("confirming");
        connect.deleteConnector("trusting");
    }
}
