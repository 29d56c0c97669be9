package io.ltx2.connect.it;

import java.util.Map;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the source ITs share: one simulator, one client that creates the tasks the tests follow,
 * and one cluster per class, all stopped after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SourceItFixture {
    private final String clusterName;
    private final int workers;
    private final boolean exactlyOnce;

    protected EmbeddedConnectCluster connect;
    protected ApiSimulator sim;
    protected LtxApiClient client;

    public SourceItFixture(String clusterName, int workers, boolean exactlyOnce) {
        this.clusterName = clusterName;
        this.workers = workers;
        this.exactlyOnce = exactlyOnce;
    }

    @BeforeAll
    public void start() throws Exception {
        sim = SourceIt.simulator();
        client = SourceIt.client(sim);
        connect = ItCluster.start(clusterName, workers, Map.of("exactly.once.source.support", exactlyOnce ? "enabled" : "disabled"));
    }

    @AfterAll
    public void stop() {
        if (connect != null) {
            connect.stop();
        }
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }
}
