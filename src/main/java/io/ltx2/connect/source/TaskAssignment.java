package io.ltx2.connect.source;

import io.ltx2.connect.config.LtxSourceTaskConfig;
import io.ltx2.connect.config.TaskPlacement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Splits the tracking partitions round-robin across at most {@code maxTasks} tasks. */
public final class TaskAssignment {

    private TaskAssignment() {
    }

    /**
     * Task configs: as many as partitions, at most {@code maxTasks}; with no partition (topic not
     * there yet) one task that only hosts the callback receiver. Each task's {@link TaskPlacement}
     * gives it its share of the connector's call budget.
     */
    public static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, int partitions, int maxTasks) {
        int tasks = Math.max(1, Math.min(maxTasks, partitions));
        List<List<Integer>> split = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            split.add(new ArrayList<>());
        }
        for (int p = 0; p < partitions; p++) {
            split.get(p % tasks).add(p);
        }
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, String> c = new TaskPlacement(i, tasks).addTo(connectorProps);
            c.put(LtxSourceTaskConfig.TASK_PARTITIONS, split.get(i).stream().map(String::valueOf).collect(Collectors.joining(",")));
            configs.add(c);
        }
        return configs;
    }
}
