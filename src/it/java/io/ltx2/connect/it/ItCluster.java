package io.ltx2.connect.it;

import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded Kafka and Connect cluster every integration test runs on: one KRaft broker with
 * transactions, workers that discover plugins by ServiceLoader (as the plugin ships), commit
 * offsets every 500 ms, reassign a lost worker's tasks within 2 s, support exactly-once source, and
 * read secrets through the file config provider. A test class shares one cluster and gives each
 * test its own topics and connector names.
 */
public final class ItCluster {

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
