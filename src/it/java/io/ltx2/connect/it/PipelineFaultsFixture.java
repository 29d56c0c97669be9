package io.ltx2.connect.it;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * What the fault suites share: one cluster per class (a broker and two workers with exactly-once
 * source support), a fresh simulator per test, and the ledger's settle with the class's time limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PipelineFaultsFixture {
    private final String clusterName;
    private final Duration settle;
    private final Duration linger;

    protected EmbeddedConnectCluster connect;
    protected ApiSimulator sim;

    public PipelineFaultsFixture(String clusterName, Duration settle, Duration linger) {
        this.clusterName = clusterName;
        this.settle = settle;
        this.linger = linger;
    }

    @BeforeAll
    public void startCluster() {
        connect = ItCluster.start(clusterName, 2, workerProps());
    }

    /** Worker settings of the class's cluster beyond ItCluster's. */
    protected Map<String, String> workerProps() {
        return Map.of();
    }

    @AfterAll
    public void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    @AfterEach
    public void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    /** A pipeline (not started) against a new simulator without faults. */
    protected Pipeline pipeline(String name) throws Exception {
        sim = Pipeline.simulator(Faults.NONE);
        return new Pipeline(name, connect, sim);
    }

    protected void awaitTasksCreated(long n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> sim.stats().tasksCreated() >= n);
    }

    protected PipelineLedger settle(Pipeline p, String row, List<String> ids) throws Exception {
        return PipelineLedger.settle(row, p.startedNanos, sim, connect.kafka().bootstrapServers(), p.events, ids, settle, linger,
                p::requestOfPrompt).assertEveryDuplicateLabelled();
    }
}
