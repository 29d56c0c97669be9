package io.ltx2.connect.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.it.SourceIt;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One request, one identity, on a real broker and workers: a request is its record (the sink
 * connector and the record's coordinates), whatever key or request id it carries, and the cases
 * ordinary use hits (shared keys, the documented dry run, a stop while the API hangs, a recreated
 * tracking topic) end in exactly one event per request with every possible second charge named.
 */
class RequestIdentityIT extends PipelineFaultsFixture {

    RequestIdentityIT() {
        super("rel-identity", Duration.ofSeconds(90), Duration.ofSeconds(3));
    }

    private static String value(String prompt, String requestId) {
        return "{" + (requestId == null ? "" : "\"request_id\":\"" + requestId + "\",") + "\"prompt\":\"" + prompt + "\"}";
    }

    @Test
    void requestsThatShareAKeyOrARequestIdEachGetTheirOwnTaskAndEvent() throws Exception {
        Pipeline p = pipeline("samekey").start();
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add(i % 2 == 0 ? "user-a" : "user-b"); // keyed by user, no request_id: the key is the label
            values.add(value("Same key, clip " + i, null));
        }
        for (int i = 0; i < 3; i++) {
            keys.add(null);
            values.add(value("Same request id, clip " + i, "order-42"));
        }
        List<String> records = p.produce(keys, values);

        PipelineLedger ledger = settle(p, "7 requests under 2 keys and 3 sharing a request_id", records).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);

        assertThat(ledger.tasksCreated).isEqualTo(10);
        assertThat(ledger.lastEventByRequest.values()).extracting(e -> e.path("taskId").asText()).doesNotHaveDuplicates().hasSize(10);
        assertThat(ledger.lastEventByRequest.values()).extracting(e -> e.path("requestId").asText())
                .containsOnly("user-a", "user-b", "order-42");
        assertThat(ledger.count("success")).isEqualTo(10);
        p.deleteConnectors();
    }

    @Test
    void traceContextOfTheRequestArrivesOnItsEvent() throws Exception {
        Pipeline p = pipeline("trace").start();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        List<String> records = p.produce(List.of("traced"), List.of(value("A traced request", null)),
                Map.of("traceparent", traceparent, "tracestate", "vendor=abc", "x-internal", "not chosen"));
        List<SourceIt.Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), p.events, 1, Duration.ofSeconds(60),
                Duration.ofSeconds(1));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(PipelineLedger.recordOf(e.value())).isEqualTo(records.get(0));
            assertThat(e.headers()).containsEntry("traceparent", traceparent).containsEntry("tracestate", "vendor=abc")
                    .doesNotContainKey("x-internal");
        });
        p.deleteConnectors();
    }

    @Test
    void documentedDryRunProcedureGivesPreviewsThenRealEvents() throws Exception {
        Pipeline p = pipeline("dryrun");
        p.sinkProps.put("ltx.sink.dry.run", "true");
        p.start();
        List<String> records = p.produce(6);
        await().atMost(Duration.ofSeconds(60)).until(() -> events(p).size() >= 6);
        assertThat(events(p)).allSatisfy(e -> assertThat(e.path("failCode").asText()).isEqualTo("DRY_RUN"));
        assertThat(sim.stats().createCalls()).as("a dry run sends nothing").isZero();

        // docs/cost-controls.md: turn the dry run off and reset the sink's offsets, same connector name.
        connect.stopConnector(p.sinkName);
        connect.assertions().assertConnectorIsStopped(p.sinkName, "sink did not stop");
        connect.resetConnectorOffsets(p.sinkName);
        p.sinkProps.put("ltx.sink.dry.run", "false");
        connect.configureConnector(p.sinkName, p.sinkProps);
        connect.resumeConnector(p.sinkName);
        p.awaitRunning();

        await().atMost(Duration.ofSeconds(90)).until(() -> events(p).size() >= 12);
        Map<String, List<String>> byRecord = new TreeMap<>();
        events(p).forEach(e -> byRecord.computeIfAbsent(PipelineLedger.recordOf(e), k -> new ArrayList<>())
                .add(e.path("state").asText() + "/" + e.path("failCode").asText("")));
        assertThat(byRecord.keySet()).containsExactlyInAnyOrderElementsOf(records);
        assertThat(byRecord.values()).as("a preview, then the request's one real event")
                .allSatisfy(states -> assertThat(states).containsExactly("rejected/DRY_RUN", "success/"));
        assertThat(sim.stats().tasksCreated()).isEqualTo(6);
        assertThat(sim.stats().duplicateSubmissions()).isZero();
        p.deleteConnectors();
    }

    @Test
    void stopWhileTheApiHangsOnCreatesRejectsNothingAndNamesWhatMayBeBilledTwice() throws Exception {
        Pipeline p = pipeline("hang");
        p.sinkProps.put("ltx.sink.shutdown.timeout.ms", "500");
        // Longer than the 4 s the creates hang, so they are answered, not timed out; the next owner waits these
        // two time-outs and a margin for the earlier owner's answers before it creates again.
        p.sinkProps.put("ltx.api.connect.timeout.ms", "2000");
        p.sinkProps.put("ltx.api.response.timeout.ms", "8000");
        p.start();
        sim.setFaults(Faults.builder().latency(Endpoint.CREATE, 4_000).build()); // each create is made, and billed, 4 s late
        List<String> records = p.produce(8);
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.stats().createCalls() >= 8);

        connect.stopConnector(p.sinkName); // the creates are still out: nothing may be written as rejected
        connect.assertions().assertConnectorIsStopped(p.sinkName, "sink did not stop");
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.stats().tasksCreated() >= 8);
        sim.setFaults(Faults.NONE);
        connect.resumeConnector(p.sinkName);
        p.awaitRunning();

        PipelineLedger ledger = settle(p, "sink stopped while the API hung on 8 creates", records).assertExactlyOneEventPerRequest();
        assertThat(ledger.failCodes).as("nothing rejected: the next owner found the INTENTs").doesNotContainKey("SUBMIT_FAILED");
        assertThat(ledger.count("success")).isEqualTo(8);
        assertThat(ledger.labelledAttempts).as("the creates that may have been billed are named on the events").isPositive();
        p.deleteConnectors();
    }

    @Test
    void recreatedTrackingTopicStartsOverInsteadOfSkippingNewRequests() throws Exception {
        Pipeline p = pipeline("newtracking").start();
        settle(p, "before the tracking topic is recreated", p.produce(10)).assertExactlyOneEventPerRequest();

        connect.stopConnector(p.sinkName);
        connect.stopConnector(p.sourceName);
        connect.assertions().assertConnectorIsStopped(p.sourceName, "source did not stop");
        connect.kafka().deleteTopic(p.tracking);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> connect.kafka().createTopic(p.tracking, 4));
        connect.resumeConnector(p.sourceName);
        connect.resumeConnector(p.sinkName);
        p.awaitRunning();

        List<String> after = p.produce(5);
        PipelineLedger ledger = settle(p, "tracking topic recreated", after).assertExactlyOneEventPerRequest();
        assertThat(ledger.count("success")).isEqualTo(5);
        p.deleteConnectors();
    }

    private List<JsonNode> events(Pipeline p) throws Exception {
        return SourceIt.readEvents(connect.kafka().bootstrapServers(), p.events, Integer.MAX_VALUE, Duration.ofSeconds(2), Duration.ZERO)
                .stream().map(SourceIt.Event::value).collect(Collectors.toList());
    }
}
