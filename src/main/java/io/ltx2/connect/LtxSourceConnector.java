package io.ltx2.connect;

import io.ltx2.connect.config.ApiTransportRules;
import io.ltx2.connect.config.LtxConfig;
import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.source.LtxSourceTask;
import io.ltx2.connect.source.SourceOffsets;
import io.ltx2.connect.source.TaskAssignment;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Source connector: follows the tasks recorded on the tracking topic to their end and emits one
 * terminal event per request. Splits the tracking topic's partitions across its tasks and asks
 * for a reconfiguration when the partition count changes.
 */
public class LtxSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceConnector.class);

    private Map<String, String> props;
    private LtxSourceConfig config;
    private Admin admin;
    private ScheduledExecutorService monitor;
    private volatile int partitions;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = new LtxSourceConfig(props);
        Map<String, Object> adminProps = new HashMap<>(config.trackingClientProps());
        adminProps.keySet().retainAll(AdminClientConfig.configNames());
        adminProps.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, props.getOrDefault("name", "ltx-source") + "-partition-monitor");
        this.admin = Admin.create(adminProps);
        this.partitions = partitionCount();
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ltx-source-partition-monitor");
            t.setDaemon(true);
            return t;
        });
        long every = config.partitionCheckInterval().toMillis();
        monitor.scheduleWithFixedDelay(this::checkPartitions, every, every, TimeUnit.MILLISECONDS);
        log.info("LTX source connector started: tracking topic {} has {} partitions, events to {}", config.trackingTopic(),
                partitions, config.eventsTopic());
    }

    private int partitionCount() {
        try {
            TopicDescription d = admin.describeTopics(List.of(config.trackingTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(config.trackingTopic());
            return d.partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                log.warn("Tracking topic {} does not exist yet; the connector waits for it", config.trackingTopic());
                return 0;
            }
            throw new ConnectException("Cannot describe the tracking topic " + config.trackingTopic() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while describing the tracking topic", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ConnectException("Timed out describing the tracking topic " + config.trackingTopic());
        }
    }

    private void checkPartitions() {
        try {
            int now = partitionCount();
            if (now != partitions) {
                log.info("Tracking topic {} went from {} to {} partitions: reconfiguring the tasks", config.trackingTopic(), partitions, now);
                partitions = now;
                context.requestTaskReconfiguration();
            }
        } catch (RuntimeException e) {
            log.warn("Partition check of the tracking topic failed; will try again", e);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return LtxSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskAssignment.taskConfigs(props, partitions, maxTasks);
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.shutdownNow();
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
        log.info("LTX source connector stopped");
    }

    @Override
    public ConfigDef config() {
        return LtxSourceConfig.configDef();
    }

    /** The ConfigDef's checks, then rules across keys (the API transport's, then the source's), each reported on the key to fix. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = config.configValues().stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        ApiTransportRules.validate(byName);
        LtxSourceConfig.validateCrossField(connectorConfigs, byName);
        return config;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // Events and the tracking progress are one Connect record stream: the worker's transaction covers both.
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        String trackingTopic = connectorConfig.getOrDefault(LtxConfig.TRACKING_TOPIC, LtxConfig.TRACKING_TOPIC_DEFAULT);
        SourceOffsets.validate(trackingTopic, offsets);
        return true;
    }
}
