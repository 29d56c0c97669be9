package io.ltx2.connect.source.it;

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
abstract class SourceItFixture {
    private final String clusterName;
    private final int workers;
    private final boolean exactlyOnce;

    protected EmbeddedConnectCluster connect;
    protected ApiSimulator sim;
    protected LtxApiClient client;

    SourceItFixture(String clusterName, int workers, boolean exactlyOnce) {
        this.clusterName = clusterName;
        this.workers = workers;
        this.exactlyOnce = exactlyOnce;
    }

    @BeforeAll
    void start() throws Exception {
        sim = SourceIt.simulator();
        client = SourceIt.client(sim);
        connect = new EmbeddedConnectCluster.Builder().name(clusterName).numBrokers(1).numWorkers(workers)
                .workerProps(SourceIt.workerProps(exactlyOnce)).brokerProps(SourceIt.brokerProps()).build();
        connect.start();
    }

    @AfterAll
    void stop() {
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
