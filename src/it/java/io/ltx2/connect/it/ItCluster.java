package io.ltx2.connect.it;

import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded Kafka and Connect cluster every integration test runs on: one KRaft broker with
 * transactions, workers that discover plugins by ServiceLoader (as the plugin ships), commit
 * offsets every 500 ms, reassign a lost worker's tasks within 2 s, support exactly-once source, and
 * read secrets through the file config provider. A test class shares one cluster and gives each
 * test its own topics and connector names; classes that only add topics and connectors share the
 * JVM's cluster ({@link #shared}).
 */
public final class ItCluster {
    private static EmbeddedConnectCluster shared;

    private ItCluster() {
    }

    public static Map<String, String> workerProps() {
        Map<String, String> w = new HashMap<>();
        w.put("plugin.discovery", "service_load");
        w.put("offset.flush.interval.ms", "500");
        // A worker that misses a heartbeat on this loaded machine gets its tasks back within seconds, not 5 minutes.
        w.put("scheduled.rebalance.max.delay.ms", "2000");
        w.put("exactly.once.source.support", "enabled");
        w.put("task.shutdown.graceful.timeout.ms", "6000");
        w.put("config.providers", "file");
        w.put("config.providers.file.class", FileConfigProvider.class.getName());
        return w;
    }

    public static Properties brokerProps() {
        Properties b = new Properties();
        b.put("transaction.state.log.replication.factor", "1");
        b.put("transaction.state.log.min.isr", "1");
        b.put("auto.create.topics.enable", "false");
        return b;
    }

    /**
     * The JVM's shared cluster: the standard settings, two workers, started by the first class that asks
     * and stopped when the test run ends ({@link SharedClusterStop}; a cluster start costs 7 to 20 s,
     * about as long as many test classes run). Each class gives its topics and connectors names of its own, and leaves no connector behind
     * ({@link #releaseShared}). A class that stops a worker or the broker, or needs other worker settings,
     * starts its own cluster instead.
     */
    public static synchronized EmbeddedConnectCluster shared() {
        if (shared == null) {
            EmbeddedConnectCluster c = start("shared-it", 2);
            // SharedClusterStop stops it when the test run ends; the hook only if the JVM exits some other way
            Runtime.getRuntime().addShutdownHook(new Thread(ItCluster::stopShared, "shared-it-cluster-stop"));
            shared = c;
        }
        return shared;
    }

    /** Stops the shared cluster, if one was started (once: later calls do nothing). */
    public static synchronized void stopShared() {
        if (shared != null) {
            EmbeddedConnectCluster c = shared;
            shared = null;
            c.stop();
        }
    }

    /**
     * Called after a class that used the shared cluster: deletes the connectors still on it (a failed test's),
     * so that they neither load the next class's run nor hold its names. Classes of one JVM run one after the other.
     */
    public static synchronized void releaseShared() {
        if (shared == null) {
            return;
        }
        Set<String> left = Set.copyOf(shared.connectors());
        left.forEach(shared::deleteConnector);
    }

    /** Starts a cluster with the standard settings. */
    public static EmbeddedConnectCluster start(String name, int workers) {
        return start(name, workers, Map.of());
    }

    /** Starts a cluster with the standard settings, some replaced or added by {@code workerOverrides}. */
    public static EmbeddedConnectCluster start(String name, int workers, Map<String, String> workerOverrides) {
        Map<String, String> props = workerProps();
        props.putAll(workerOverrides);
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name(name).numBrokers(1).numWorkers(workers)
                .workerProps(props).brokerProps(brokerProps()).build();
        connect.start();
        return connect;
    }
}
