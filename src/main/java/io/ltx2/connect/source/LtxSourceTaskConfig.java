package io.ltx2.connect.source;

import io.ltx2.connect.config.LtxSourceConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.List;
import java.util.Map;

/** A source task's config: the connector's keys plus its share of the tracking partitions (set by the connector). */
public final class LtxSourceTaskConfig extends LtxSourceConfig {

    static final String TASK_PARTITIONS = "ltx.source.task.partitions";
    static final String TASK_COUNT = "ltx.source.task.count";
    static final String TASK_INDEX = "ltx.source.task.index";

    private static final ConfigDef TASK_DEF = configDef()
            .define(TASK_PARTITIONS, Type.LIST, List.of(), Importance.LOW, "Tracking partitions assigned to this task (internal).")
            .define(TASK_COUNT, Type.INT, 1, Importance.LOW, "Number of tasks of the connector (internal).")
            .define(TASK_INDEX, Type.INT, 0, Importance.LOW, "Index of this task (internal).");

    public LtxSourceTaskConfig(Map<String, ?> props) {
        super(TASK_DEF, props);
    }

    public List<Integer> partitions() {
        return getList(TASK_PARTITIONS).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }

    public int taskCount() {
        return Math.max(1, getInt(TASK_COUNT));
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
    }
}
