package io.ltx2.connect.source;

import io.ltx2.connect.config.LtxSourceTaskConfig;
import io.ltx2.connect.config.TaskPlacement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskAssignmentTest {
    private static final Map<String, String> PROPS = Map.of("name", "src");

    @Test
    void splitsPartitionsRoundRobinAndNeverExceedsMaxTasksOrPartitions() {
        List<Map<String, String>> configs = TaskAssignment.taskConfigs(PROPS, 5, 2);
        assertThat(configs).hasSize(2);
        assertThat(configs.get(0)).containsEntry(LtxSourceTaskConfig.TASK_PARTITIONS, "0,2,4").containsEntry(TaskPlacement.TASK_COUNT, "2")
                .containsEntry("name", "src");
        assertThat(configs.get(1)).containsEntry(LtxSourceTaskConfig.TASK_PARTITIONS, "1,3").containsEntry(TaskPlacement.TASK_INDEX, "1");
        assertThat(TaskAssignment.taskConfigs(PROPS, 2, 8)).hasSize(2);
        assertThat(new LtxSourceTaskConfigFixture(configs.get(0)).partitions()).containsExactly(0, 2, 4);
    }

    @Test
    void noPartitionsGivesOneIdleTask() {
        List<Map<String, String>> configs = TaskAssignment.taskConfigs(PROPS, 0, 3);
        assertThat(configs).hasSize(1);
        assertThat(configs.get(0)).containsEntry(LtxSourceTaskConfig.TASK_PARTITIONS, "");
    }

    /** Parses a task config the way the task does. */
    private static final class LtxSourceTaskConfigFixture {
        private final LtxSourceTaskConfig config;

        LtxSourceTaskConfigFixture(Map<String, String> taskProps) {
            Map<String, String> props = new java.util.HashMap<>(taskProps);
            props.put("ltx.api.key", "k");
            props.put("ltx.tracking.bootstrap.servers", "127.0.0.1:9092");
            config = new LtxSourceTaskConfig(props);
        }

        List<Integer> partitions() {
            return config.partitions();
        }
    }
}
