package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.HashMap;
import java.util.Map;

/**
 * Which of its connector's tasks a task is. The connectors set it in {@code taskConfigs}; users
 * never do. It decides, in one place, a task's share of what the connector's tasks split evenly:
 * the call budget, the concurrency and spend caps.
 *
 * @param index this task, from 0
 * @param count how many tasks the connector has
 */
public record TaskPlacement(int index, int count) {
    public static final String TASK_INDEX = "ltx.task.index";
    public static final String TASK_COUNT = "ltx.task.count";

    public TaskPlacement {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("task " + index + " of " + count);
        }
    }

    /** The fraction of an evenly split connector budget that is this task's. */
    public double share() {
        return 1.0 / count;
    }

    /** This task's part of a connector-wide integer limit, at least 1. */
    public int partOf(int connectorLimit) {
        return Math.max(1, connectorLimit / count);
    }

    /** The connector's props with this placement added: what {@code taskConfigs} hands to a task. */
    public Map<String, String> addTo(Map<String, String> connectorProps) {
        Map<String, String> task = new HashMap<>(connectorProps);
        task.put(TASK_INDEX, Integer.toString(index));
        task.put(TASK_COUNT, Integer.toString(count));
        return task;
    }

    static ConfigDef define(ConfigDef def) {
        return def
                .defineInternal(TASK_INDEX, Type.INT, 0, Range.atLeast(0), Importance.LOW, "Internal: this task's index.")
                .defineInternal(TASK_COUNT, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Internal: how many tasks the connector has.");
    }

    static TaskPlacement from(LtxConfig config) {
        int count = Math.max(1, config.getInt(TASK_COUNT));
        return new TaskPlacement(Math.min(config.getInt(TASK_INDEX), count - 1), count);
    }
}
