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
 * What the fault suites share: a broker and two workers with exactly-once source support (the JVM's
 * shared cluster, or the class's own when it stops workers or the broker, or needs other worker
 * settings), a fresh simulator per test, pipelines named after the class (so classes on one cluster
 * never meet), and the ledger's settle with the class's time limits.
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
        connect = ownCluster() ? ItCluster.start(clusterName, 2, workerProps()) : ItCluster.shared();
    }

    /** Worker settings of the class's cluster beyond ItCluster's; a class with any runs on a cluster of its own. */
    protected Map<String, String> workerProps() {
        return Map.of();
    }

    /** Whether the class needs a cluster of its own: it stops workers or the broker, or has worker settings of its own. */
    protected boolean ownCluster() {
        return !workerProps().isEmpty();
    }

    @AfterAll
    public void stopCluster() {
        if (connect == null) {
            return;
        }
        if (ownCluster()) {
            connect.stop();
        } else {
            ItCluster.releaseShared();
        }
    }

    @AfterEach
    public void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    /** A pipeline (not started) against a new simulator without faults, its topics and connectors named {@code <class's name>-name}. */
    protected Pipeline pipeline(String name) throws Exception {
        sim = Pipeline.simulator(Faults.NONE);
        return new Pipeline(clusterName + "-" + name, connect, sim);
    }

    protected void awaitTasksCreated(long n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> sim.stats().tasksCreated() >= n);
    }

    protected PipelineLedger settle(Pipeline p, String row, List<String> ids) throws Exception {
        return PipelineLedger.settle(row, p.startedNanos, sim, connect.kafka().bootstrapServers(), p.events, ids, settle, linger,
                p::requestOfPrompt).assertEveryDuplicateLabelled();
    }
}
