package io.ltx2.connect.reliability;

import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/**
 * Invariants 1 to 3 of the design while Connect itself misbehaves: both connectors run on two
 * workers with exactly-once source support, a few hundred requests are in flight, and a worker
 * leaves, a connector pauses or is deleted and recreated, or the broker restarts.
 */
class PipelineLifecycleFaultsIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 240 * Pipeline.LOAD_FACTOR;

    PipelineLifecycleFaultsIT() {
        super("rel-lifecycle", Duration.ofSeconds(90L * Pipeline.LOAD_FACTOR), Duration.ofSeconds(4));
    }

    /** Workers leave and the broker restarts here: not on the cluster other classes share. */
    @Override
    protected boolean ownCluster() {
        return true;
    }

    private Pipeline startedPipeline(String name) throws Exception {
        return pipeline(name).start();
    }

    @Test
    void workerStoppedMidFlightAndANewOneAddedLosesNothingAndEmitsEachEventOnce() throws Exception {
        Pipeline p = startedPipeline("worker");
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(REQUESTS / 4);

        connect.removeWorker();
        connect.addWorker();
        p.awaitRunning();

        // A graceful stop waits for creates in flight (ltx.sink.shutdown.timeout.ms): no window is opened.
        settle(p, "worker stopped mid-flight, new worker added", ids).assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        p.deleteConnectors();
    }

    @Test
    void connectorsPausedAndResumedMidFlightLoseNothingAndEmitEachEventOnce() throws Exception {
        Pipeline p = startedPipeline("pause");
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(REQUESTS / 4);

        connect.pauseConnector(p.sinkName);
        connect.pauseConnector(p.sourceName);
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(p.sinkName, 2, "sink did not pause");
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(p.sourceName, 2, "source did not pause");
        Thread.sleep(2_000);
        connect.resumeConnector(p.sourceName);
        connect.resumeConnector(p.sinkName);
        p.awaitRunning();

        settle(p, "connectors paused and resumed", ids).assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        p.deleteConnectors();
    }

    @Test
    void connectorsDeletedAndRecreatedMidFlightResumeFromTheirOffsetsWithoutResubmitting() throws Exception {
        Pipeline p = startedPipeline("recreate");
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(REQUESTS / 4);

        p.deleteConnectors();
        connect.assertions().assertConnectorDoesNotExist(p.sinkName, "sink not deleted");
        connect.assertions().assertConnectorDoesNotExist(p.sourceName, "source not deleted");
        p.startConnectors();

        settle(p, "connectors deleted and recreated", ids).assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        p.deleteConnectors();
    }

    @Test
    void brokerRestartedWhileBothConnectorsRunLosesNothingAndEmitsEachEventOnce() throws Exception {
        Pipeline p = startedPipeline("broker");
        List<String> ids = p.produce(REQUESTS);
        awaitTasksCreated(REQUESTS / 4);

        connect.kafka().stopOnlyBrokers();
        Thread.sleep(3_000);
        connect.kafka().restartOnlyBrokers();
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(p.sinkName, 0, "sink lost after the broker restart");

        PipelineLedger ledger = settle(p, "broker restarted", ids);
        // A sink task may fail on a tracking write that times out; restart any failed task, as an operator would.
        if (!ledger.lost.isEmpty()) {
            connect.restartConnectorAndTasks(p.sinkName, false, true, false);
            connect.restartConnectorAndTasks(p.sourceName, false, true, false);
            ledger = settle(p, "broker restarted (failed tasks restarted)", ids);
        }
        ledger.assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
        p.deleteConnectors();
    }
}
