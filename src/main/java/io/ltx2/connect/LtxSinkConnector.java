package io.ltx2.connect;

import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.config.ApiTransportRules;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.sink.LtxSinkTask;
import io.ltx2.connect.util.Version;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Submits generation requests from Kafka topics to the APIXO LTX-2 API and records each one on
 * the tracking topic. Tasks share the connector's call budget evenly.
 */
public class LtxSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(LtxSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        LtxSinkConfig config = new LtxSinkConfig(props);
        this.props = Map.copyOf(props);
        log.info("Starting LTX sink connector {} against {} (model {}, {} requests, tracking topic {})",
                props.get("name"), config.apiUrl(), config.model(), config.requestType(), config.trackingTopic());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return LtxSinkTask.class;
    }

    /** Every task gets the connector's settings and its placement, which decides its share of the budgets. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new TaskPlacement(i, maxTasks).addTo(props));
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("Stopped LTX sink connector {}", props == null ? null : props.get("name"));
    }

    @Override
    public ConfigDef config() {
        return LtxSinkConfig.configDef();
    }

    /** The ConfigDef's checks, then rules across keys (the API transport's first), each reported on the key to fix. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = config.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (a, b) -> a));
        ApiTransportRules.validate(values);
        boolean keysValid = values.values().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (!keysValid) {
            return config;
        }
        LtxSinkConfig parsed = new LtxSinkConfig(connectorConfigs);
        if (parsed.callbackMode() && parsed.callbackUrl().isEmpty()) {
            values.get(LtxSinkConfig.CALLBACK_URL).addErrorMessage(LtxSinkConfig.CALLBACK_URL + " is required when "
                    + LtxSinkConfig.REQUEST_TYPE + "=callback: set it to the public URL of the source connector's callback receiver");
        }
        if (!parsed.callbackMode() && parsed.callbackUrl().isPresent()) {
            values.get(LtxSinkConfig.CALLBACK_URL).addErrorMessage(LtxSinkConfig.CALLBACK_URL + " is set but "
                    + LtxSinkConfig.REQUEST_TYPE + "=async: set " + LtxSinkConfig.REQUEST_TYPE + "=callback, or remove the URL");
        }
        if (parsed.rateLimitPerMinute() > ContractLimits.CALLS_PER_MINUTE) {
            values.get(LtxSinkConfig.API_RATE_LIMIT).addErrorMessage(LtxSinkConfig.API_RATE_LIMIT + " is "
                    + parsed.rateLimitPerMinute() + ", more than the " + ContractLimits.CALLS_PER_MINUTE
                    + " calls per minute the API allows per key (shared with the source connector)");
        }
        int tasks = tasksMax(connectorConfigs);
        checkCap(values.get(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR), parsed.budgetSecondsPerHour(), tasks);
        checkCap(values.get(LtxSinkConfig.BUDGET_SECONDS_PER_DAY), parsed.budgetSecondsPerDay(), tasks);
        if (parsed.budgetSecondsPerDay() > 0 && parsed.budgetSecondsPerHour() > parsed.budgetSecondsPerDay()) {
            values.get(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR).addErrorMessage(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR + " ("
                    + parsed.budgetSecondsPerHour() + ") is more than " + LtxSinkConfig.BUDGET_SECONDS_PER_DAY + " ("
                    + parsed.budgetSecondsPerDay() + ")");
        }
        return config;
    }

    /** Each task gets cap / tasks.max; a part smaller than the longest request would hold that request forever. */
    private static void checkCap(ConfigValue value, long cap, int tasks) {
        if (cap > 0 && cap / tasks < ContractLimits.DURATION_MAX) {
            value.addErrorMessage(value.name() + " is " + cap + " s split across tasks.max=" + tasks + " tasks, less than "
                    + ContractLimits.DURATION_MAX + " s each: a " + ContractLimits.DURATION_MAX + "-second request would never fit. Use at least "
                    + (long) tasks * ContractLimits.DURATION_MAX + ", or fewer tasks");
        }
    }

    private static int tasksMax(Map<String, String> configs) {
        try {
            return Math.max(1, Integer.parseInt(configs.getOrDefault("tasks.max", "1").trim()));
        } catch (NumberFormatException e) {
            return 1; // Connect reports tasks.max itself
        }
    }

    /** Sink offsets are plain input offsets: accept resets and non-negative values. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, offset) -> {
            if (offset != null && offset < 0) {
                throw new ConnectException("Offset for " + tp + " must be non-negative, was " + offset);
            }
        });
        return true;
    }
}
