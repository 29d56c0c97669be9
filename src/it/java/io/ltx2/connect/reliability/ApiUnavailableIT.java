package io.ltx2.connect.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.it.Tier;
import io.ltx2.connect.metrics.JmxMetrics;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20 on a real broker and two real workers: when the API cannot take work (an empty balance,
 * a long 503 outage) the sink keeps every request with its input paused and resumes by itself;
 * a content refusal (403) rejects that one request and nothing else.
 *
 * <p>The balance and outage rows run twice. The short twin (every build) runs them a tenth as long:
 * the account stays empty 12 s instead of 2 min, the outage lasts 30 s instead of 5 min, and the sink
 * probes after 0.5 s doubling to 6 s instead of 5 s doubling to 60 s, so the pause holds the same
 * number of probes. Its consumer's {@code max.poll.interval.ms} is 10 s, shorter than either pause: the
 * paused sink must go on polling to stay in its group, and each row checks that its consumers did not
 * rebalance while paused. The long twin ({@code -Plong}, {@link Tier}) runs the users' defaults through
 * the real 2 and 5 minutes.
 */
class ApiUnavailableIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 200;
    /** Seconds of video the balance pays for before it runs out: 60 of the 200 requests (5 s each). */
    private static final long BALANCE_SECONDS = 60 * 5;

    /**
     * The times of a row: how long the balance stays empty, how long the outage lasts, and the sink
     * settings of the twin (none: the users' defaults).
     */
    private record Times(String label, Duration emptyBalance, Duration outage, Map<String, String> sinkProps) {
    }

    private static final Times SHORT = new Times("short", Duration.ofSeconds(12), Duration.ofSeconds(30), Map.of(
            AvailabilityConfig.RETRY_BACKOFF_MS, "500",
            AvailabilityConfig.RETRY_BACKOFF_MAX_MS, "6000",
            "consumer.override.max.poll.interval.ms", "10000"));
    private static final Times REAL = new Times("long", Duration.ofMinutes(2), Duration.ofMinutes(5), Map.of());

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

    private Pipeline pipeline(String name, Times times) throws Exception {
        Pipeline p = pipeline(name + "-" + times.label());
        p.sinkProps.putAll(times.sinkProps());
        return p;
    }

    @Test
    void balanceRunningOutMidBacklogRejectsNothingAndEveryRequestSucceedsAfterATopUp() throws Exception {
        balanceRunsOutAndIsToppedUp(SHORT, "balance runs out after 60 of 200, topped up 12 s later (probes 0.5 s doubling to 6 s)");
    }

    @Test
    @EnabledIfSystemProperty(named = Tier.PROPERTY, matches = "true")
    void balanceRunningOutMidBacklogWithTheDefaultProbesAndATopUpTwoMinutesLater() throws Exception {
        balanceRunsOutAndIsToppedUp(REAL, "balance runs out after 60 of 200, topped up 2 min later");
    }

    @Test
    void thirtySecond503OutageRejectsNothingAndEveryRequestSucceedsAfterIt() throws Exception {
        outage503(SHORT, "API answers 503 to every call for 30 s (probes 0.5 s doubling to 6 s, max.poll.interval 10 s)");
    }

    @Test
    @EnabledIfSystemProperty(named = Tier.PROPERTY, matches = "true")
    void fiveMinute503OutageRejectsNothingAndEveryRequestSucceedsAfterIt() throws Exception {
        outage503(REAL, "API answers 503 to every call for 5 min");
    }

    private void balanceRunsOutAndIsToppedUp(Times times, String row) throws Exception {
        Pipeline p = pipeline("balance", times);
        sim.setBalanceSeconds(BALANCE_SECONDS);
        p.start();
        List<String> ids = p.produce(REQUESTS);

        await("the simulator to refuse a create for the empty balance").atMost(Duration.ofSeconds(60))
                .until(() -> sim.stats().insufficientBalance() > 0);
        // Every task meets the empty balance (each has about 100 of the requests, the balance pays for 60), and the creates
        // each had out then are refused too, all at once: from then on only probes, at most one per task.
        await("every sink task to report the API unavailable").atMost(Duration.ofSeconds(60))
                .until(() -> sinkMetric(p, "api-unavailable") >= tasks(p));
        await("the creates out when the balance ran dry to be refused (at most one probe per task left in flight)")
                .atMost(Duration.ofSeconds(30)).until(() -> sinkMetric(p, "creates-in-flight") <= tasks(p));
        assertThat(sim.stats().tasksCreated()).as("the balance paid for 60 tasks").isEqualTo(BALANCE_SECONDS / 5);
        long refusedBefore = sim.stats().insufficientBalance();
        double rebalances = sinkConsumerRebalances(p);
        Thread.sleep(times.emptyBalance().toMillis()); // the row's scenario: the account stays empty this long

        assertThat(sinkMetric(p, "api-unavailable")).as("still paused before the top-up").isPositive();
        assertThat(sinkMetric(p, "api-unavailable-status")).as("the status that paused it").isEqualTo(402 * tasks(p));
        assertNothingCommittedPastAnUnsubmittedRequest(p);
        long probes = sim.stats().insufficientBalance() - refusedBefore;
        assertThat(probes).as("one slow probe at a time while paused (backoff doubling to its cap), not a retry loop").isLessThan(30);
        assertThat(sinkConsumerRebalances(p)).as("the paused sink kept polling: its consumers stayed in the group").isEqualTo(rebalances);
        sim.topUpSeconds(REQUESTS * 5L);

        PipelineLedger ledger = settle(p, row, ids).assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.count("rejected")).as("nothing rejected for the empty balance").isZero();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        assertThat(sinkMetric(p, "api-unavailable")).as("resumed by itself").isZero();
        assertThat(sinkMetric(p, "api-unavailable-ms-total")).as("the pause, in the metric").isGreaterThan(times.emptyBalance().toMillis());
        p.deleteConnectors();
    }

    private void outage503(Times times, String row) throws Exception {
        Pipeline p = pipeline("outage503", times).start();
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(40);
        sim.setFaults(Faults.builder().outage(times.outage().toMillis(), 503, Faults.OutageScope.ALL, null).build());
        long outageStarted = System.nanoTime();

        await("the sink to report the API unavailable").atMost(Duration.ofSeconds(60)).until(() -> sinkMetric(p, "api-unavailable") >= 1);
        double rebalances = sinkConsumerRebalances(p);
        // The row's scenario: four fifths into the outage, the sink is still paused.
        long fourFifths = outageStarted + times.outage().multipliedBy(4).dividedBy(5).toNanos();
        Thread.sleep(Math.max(0, (fourFifths - System.nanoTime()) / 1_000_000));
        assertThat(sinkMetric(p, "api-unavailable")).as("still paused during the outage").isPositive();
        assertNothingCommittedPastAnUnsubmittedRequest(p);
        assertThat(sinkConsumerRebalances(p)).as("the paused sink kept polling: its consumers stayed in the group").isEqualTo(rebalances);

        PipelineLedger ledger = settle(p, row, ids).assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
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

    /** Rebalances of the sink tasks' consumers so far (the consumer's own coordinator metric, on this JVM's JMX). */
    private static double sinkConsumerRebalances(Pipeline p) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-coordinator-metrics,*"), null)) {
            if (name.getKeyProperty("client-id").startsWith("connector-consumer-" + p.sinkName + "-")) {
                sum += ((Number) server.getAttribute(name, "rebalance-total")).doubleValue();
            }
        }
        assertThat(sum).as("rebalances of the sink's consumers (each joined its group once)").isPositive();
        return sum;
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
