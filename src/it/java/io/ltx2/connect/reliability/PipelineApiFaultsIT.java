package io.ltx2.connect.reliability;

import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants 1 to 4 of the design while the API misbehaves (the simulator's fault injection):
 * both connectors on two workers with exactly-once source support, a few hundred requests in flight.
 */
class PipelineApiFaultsIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 200 * Pipeline.LOAD_FACTOR;

    PipelineApiFaultsIT() {
        super("rel-api", Duration.ofSeconds(90L * Pipeline.LOAD_FACTOR), Duration.ofSeconds(3));
    }

    @Test
    void burstsOf503AreRetriedWithoutLossRejectionOrDuplicates() throws Exception {
        Pipeline p = pipeline("burst503").start();
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(20);
        sim.setFaults(Faults.builder().errorRate(Endpoint.CREATE, 0.4).errorRate(Endpoint.STATUS, 0.4).errorStatus(503).build());
        Thread.sleep(4_000);
        sim.setFaults(Faults.NONE);

        PipelineLedger ledger = settle(p, "API 503 bursts (40 % of calls for 4 s)", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.stats.injectedErrors()).as("the burst happened").isPositive();
        assertThat(ledger.count("success")).as("503 says 'not taken': retried until accepted").isEqualTo(REQUESTS);
        p.deleteConnectors();
    }

    @Test
    void outageLongerThanTheRetryBudgetEndsEveryRequestInAClearTerminalEvent() throws Exception {
        Pipeline p = pipeline("outage").start();
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(40);
        sim.setFaults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorRate(Endpoint.STATUS, 1.0).errorStatus(500).build());
        Thread.sleep(8_000);
        sim.setFaults(Faults.NONE);

        PipelineLedger ledger = settle(p, "API down (HTTP 500) for 8 s", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        // Creates refused with 500 during the outage end as rejected/SUBMIT_FAILED (at most 1 ambiguous retry);
        // tasks created before it are still followed and end in success.
        assertThat(ledger.count("rejected")).isPositive();
        assertThat(ledger.failCodes.keySet()).containsOnly("SUBMIT_FAILED");
        assertThat(ledger.count("success") + ledger.count("rejected")).isEqualTo(REQUESTS);
        p.deleteConnectors();
    }

    @Test
    void rateLimitStormIsWaitedOutAndTheCallRateStaysUnderTheConfiguredBudget() throws Exception {
        Pipeline p = pipeline("storm").start();
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(20);
        sim.setFaults(Faults.builder().rateLimitStorm(5_000, 1).build());

        PipelineLedger ledger = settle(p, "429 storm for 5 s, Retry-After 1 s", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        assertThat(ledger.stats.rateLimited()).as("the storm happened").isPositive();
        assertThat(ledger.peakCallsPerMinute).as("no tight retry loop: calls in any 60 s window")
                .isLessThanOrEqualTo(Pipeline.SINK_CALLS_PER_MINUTE + Pipeline.SOURCE_CALLS_PER_MINUTE);
        p.deleteConnectors();
    }

    @Test
    void hangingCallsTimeOutAndAreRetriedSoNothingPilesUp() throws Exception {
        Pipeline p = pipeline("hang").start();
        sim.setFaults(Faults.builder().hangRate(Endpoint.CREATE, 0.05).hangRate(Endpoint.STATUS, 0.05).hangMillis(0).build());
        List<String> ids = p.produce(REQUESTS);

        PipelineLedger ledger = settle(p, "5 % of calls hang (2 s response time-out)", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.stats.hangs()).as("calls did hang").isPositive();
        assertThat(ledger.stats.currentConcurrent()).as("no task left pending or processing").isZero();
        p.deleteConnectors();
    }

    @Test
    void lostCreateAnswersCauseAtMostOneDuplicateSubmissionEachAndOneEventPerRequest() throws Exception {
        Pipeline p = pipeline("lostanswer").start();
        sim.setFaults(Faults.builder().lostCreateResponseRate(0.1, Faults.LostResponseMode.DROP_CONNECTION).build());
        List<String> ids = p.produce(REQUESTS);

        PipelineLedger ledger = settle(p, "10 % of create answers lost (task created)", ids).assertExactlyOneEventPerRequest();
        long lostAnswers = ledger.stats.lostCreateResponses();
        assertThat(lostAnswers).isPositive();
        // The documented window: each lost answer can bill one more task (ltx.sink.create.ambiguous.retries=1), never more.
        ledger.assertDuplicateSubmissionsAtMost(lostAnswers);
        assertThat(ledger.tasksCreated).isLessThanOrEqualTo(REQUESTS + lostAnswers);
        p.deleteConnectors();
    }

    @Test
    void lostDuplicatedAndLateCallbacksStillGiveExactlyOneEventPerRequest() throws Exception {
        Pipeline p = pipeline("callbacks").callbacks("cb-rel-token-58a1f0c2e9").start();
        sim.setFaults(Faults.builder().callbackLossRate(0.2).callbackDuplicateRate(0.2).callbackDelayMillis(1_500).build());
        List<String> ids = p.produce(REQUESTS);

        PipelineLedger ledger = settle(p, "callbacks: 20 % lost, 20 % twice, all 1.5 s late", ids).assertExactlyOneEventPerRequest()
                .assertDuplicateSubmissionsAtMost(0);
        assertThat(ledger.stats.callbacksLost()).isPositive();
        assertThat(ledger.stats.callbacksDuplicated()).isPositive();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        p.deleteConnectors();
    }
}
