package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.Map;

/** What a sink task gets beyond the connector's keys: set by {@code taskConfigs}, never by users. */
public final class LtxSinkTaskConfig extends LtxSinkConfig {

    public static final String TASK_INDEX = "ltx.sink.task.index";
    private static final String TASK_INDEX_DOC = "Internal: this task's index, for client ids and logs.";

    public static final String TASK_RATE_SHARE = "ltx.sink.task.rate.share";
    private static final String TASK_RATE_SHARE_DOC = "Internal: this task's share of ltx.api.rate.limit.per.minute (1 / number of tasks).";

    public static ConfigDef configDef() {
        return LtxSinkConfig.configDef()
                .defineInternal(TASK_INDEX, Type.INT, 0, Range.atLeast(0), Importance.LOW, TASK_INDEX_DOC)
                .defineInternal(TASK_RATE_SHARE, Type.DOUBLE, 1.0, Range.between(0.000001, 1.0), Importance.LOW, TASK_RATE_SHARE_DOC);
    }

    public LtxSinkTaskConfig(Map<String, ?> props) {
        super(configDef(), props);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
    }

    public double rateShare() {
        return getDouble(TASK_RATE_SHARE);
    }
}
