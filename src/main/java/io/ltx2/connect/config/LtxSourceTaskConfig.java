package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.List;
import java.util.Map;

/** A source task's config: the connector's keys plus its {@link TaskPlacement} and its share of the tracking partitions. */
public final class LtxSourceTaskConfig extends LtxSourceConfig {

    public static final String TASK_PARTITIONS = "ltx.source.task.partitions";

    private static ConfigDef taskDef() {
        return TaskPlacement.define(configDef())
                .defineInternal(TASK_PARTITIONS, Type.LIST, List.of(), null, Importance.LOW, "Internal: the tracking partitions of this task.");
    }

    public LtxSourceTaskConfig(Map<String, ?> props) {
        super(taskDef(), props);
    }

    public TaskPlacement placement() {
        return TaskPlacement.from(this);
    }

    public List<Integer> partitions() {
        return getList(TASK_PARTITIONS).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }
}
