package io.ltx2.connect.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.metrics.JmxMetrics;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20 on a real broker and two real workers: when the API cannot take work (an empty balance,
 * a long 503 outage) the sink keeps every request with its input paused and resumes by itself;
 * a content refusal (403) rejects that one request and nothing else.
 */
class ApiUnavailableIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 200;
    /** Seconds of video the balance pays for before it runs out: 60 of the 200 requests (5 s each). */
    private static final long BALANCE_SECONDS = 60 * 5;

    ApiUnavailableIT() {
        super("rel-unavailable", Duration.ofSeconds(150), Duration.ofSeconds(3));
    }

    @Override
    protected Pipeline pipeline(String name) throws Exception {
        Pipeline p = super.pipeline(name);
        // The users' default: a task is followed for 30 minutes, longer than any pause here.
        p.sourceProps.put("ltx.task.timeout.ms", String.valueOf(30 * 60_000));
        return p;
    }

    @Test
    void balanceRunningOutMidBacklogRejectsNothingAndEveryRequestSucceedsAfterATopUp() throws Exception {
        Pipeline p = pipeline("balance");
        sim.setBalanceSeconds(BALANCE_SECONDS);
        p.start();
        List<String> ids = p.produce(REQUESTS);

        await().atMost(Duration.ofSeconds(60)).until(() -> sim.stats().insufficientBalance() > 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> sinkMetric(p, "api-unavailable") >= 1);
        assertThat(sim.stats().tasksCreated()).as("the balance paid for 60 tasks").isEqualTo(BALANCE_SECONDS / 5);
        Thread.sleep(3_000); // the creates that were out when it ran dry are refused too, all at once
        long refusedBefore = sim.stats().insufficientBalance();
        Thread.sleep(Duration.ofMinutes(2).toMillis());

        assertThat(sinkMetric(p, "api-unavailable")).as("still paused before the top-up").isPositive();
        assertThat(sinkMetric(p, "api-unavailable-status")).as("the status that paused it").isEqualTo(402 * tasks(p));
        assertNothingCommittedPastAnUnsubmittedRequest(p);
        long probes = sim.stats().insufficientBalance() - refusedBefore;
        assertThat(probes).as("one slow probe at a time while paused (5 s doubling to 60 s), not a retry loop").isLessThan(30);
        sim.topUpSeconds(REQUESTS * 5L);

        PipelineLedger ledger = settle(p, "balance runs out after 60 of 200, topped up 2 min later", ids)
                .assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.count("rejected")).as("nothing rejected for the empty balance").isZero();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        assertThat(sinkMetric(p, "api-unavailable")).as("resumed by itself").isZero();
        assertThat(sinkMetric(p, "api-unavailable-ms-total")).as("the pause, in the metric").isGreaterThan(120_000);
        p.deleteConnectors();
    }

    @Test
    void fiveMinute503OutageRejectsNothingAndEveryRequestSucceedsAfterIt() throws Exception {
        Pipeline p = pipeline("outage503").start();
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(40);
        sim.setFaults(Faults.builder().outage(Duration.ofMinutes(5).toMillis(), 503, Faults.OutageScope.ALL, null).build());

        await().atMost(Duration.ofSeconds(60)).until(() -> sinkMetric(p, "api-unavailable") >= 1);
        Thread.sleep(Duration.ofMinutes(4).toMillis());
        assertThat(sinkMetric(p, "api-unavailable")).as("still paused during the outage").isPositive();
        assertNothingCommittedPastAnUnsubmittedRequest(p);

        PipelineLedger ledger = settle(p, "API answers 503 to every call for 5 min", ids)
                .assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.stats.outageErrors()).as("the outage happened").isPositive();
        assertThat(ledger.count("rejected")).as("nothing rejected for the outage").isZero();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        assertThat(sinkMetric(p, "api-unavailable")).as("resumed by itself").isZero();
        p.deleteConnectors();
    }

    @Test
    void contentRefusedWith403RejectsThatRequestOnlyAndTheTaskKeepsRunning() throws Exception {
        Pipeline p = pipeline("content403").start();
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add("c403-" + i);
            String prompt = "A quiet harbour, take " + i + (i == 7 ? " " + ApiSimulator.FORBIDDEN_CONTENT_MARKER : "");
            values.add("{\"prompt\":\"" + prompt + "\"}");
        }
        List<String> ids = p.produce(keys, values);

        PipelineLedger ledger = settle(p, "one prompt refused with a content 403", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.count("rejected")).isEqualTo(1);
        assertThat(ledger.count("success")).isEqualTo(19);
        JsonNode refused = ledger.lastEventByRequest.get(ids.get(7));
        assertThat(refused.path("state").asText()).isEqualTo("rejected");
        assertThat(refused.path("httpStatus").asInt()).isEqualTo(403);
        assertThat(refused.path("failCode").asText()).as("the vendor's code").isNotEqualTo("HTTP_400").isNotBlank();
        assertThat(refused.path("failMsg").asText()).contains("content");
        // The task goes on: later requests still succeed.
        List<String> more = p.produce(5);
        settle(p, "after the content 403", more).assertExactlyOneEventPerRequest();
        p.awaitRunning();
        p.deleteConnectors();
    }

    private double sinkMetric(Pipeline p, String metric) {
        return JmxMetrics.sum("sink-task-metrics", p.sinkName, metric);
    }

    private int tasks(Pipeline p) {
        return JmxMetrics.tasks("sink-task-metrics", p.sinkName);
    }

    /**
     * Offsets commit only past handled requests, so each partition's committed offset is at most the
     * requests of it that have a task; summed, at most the tasks created (none twice here).
     */
    private void assertNothingCommittedPastAnUnsubmittedRequest(Pipeline p) {
        ConnectorOffsets offsets = connect.connectorOffsets(p.sinkName);
        long committed = 0;
        for (ConnectorOffset o : offsets.offsets()) {
            committed += ((Number) o.offset().get("kafka_offset")).longValue();
        }
        assertThat(committed).as("input offsets committed").isLessThanOrEqualTo(sim.stats().tasksCreated());
    }
}
