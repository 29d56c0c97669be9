package io.ltx2.connect.reliability;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Invariants 1 to 3 of the design while Connect itself misbehaves: both connectors run on two
 * workers with exactly-once source support, a few hundred requests are in flight, and a worker
 * leaves, a connector pauses or is deleted and recreated, or the broker restarts.
 */
class PipelineLifecycleFaultsIT {
    private static final int REQUESTS = 240 * Pipeline.LOAD_FACTOR;
    private static final Duration SETTLE = Duration.ofSeconds(90L * Pipeline.LOAD_FACTOR);
    private static final Duration LINGER = Duration.ofSeconds(4);

    private static EmbeddedConnectCluster connect;
    private ApiSimulator sim;

    @BeforeAll
    static void startCluster() {
        connect = new EmbeddedConnectCluster.Builder().name("rel-lifecycle").numBrokers(1).numWorkers(2)
                .workerProps(Pipeline.workerProps()).brokerProps(Pipeline.brokerProps()).build();
        connect.start();
    }

    @AfterAll
    static void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    @AfterEach
    void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    private Pipeline pipeline(String name) throws Exception {
        sim = Pipeline.simulator(Faults.NONE);
        return new Pipeline(name, connect, sim).start();
    }

    private void awaitTasksCreated(long n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> sim.stats().tasksCreated() >= n);
    }

    private PipelineLedger settle(Pipeline p, String row, List<String> ids) throws Exception {
        return PipelineLedger.settle(row, p.startedNanos, sim, connect.kafka().bootstrapServers(), p.events, ids, SETTLE, LINGER);
    }

    @Test
    void workerStoppedMidFlightAndANewOneAddedLosesNothingAndEmitsEachEventOnce() throws Exception {
        Pipeline p = pipeline("worker");
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
        Pipeline p = pipeline("pause");
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
        Pipeline p = pipeline("recreate");
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
        Pipeline p = pipeline("broker");
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
