package io.ltx2.connect.simulator;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Waits of the tests on the simulator's own counters, instead of a sleep that guesses how long it takes. */
public final class SimulatorWaits {
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private SimulatorWaits() {
    }

    /** Until each of these tasks has completed on the simulator (its status answers its final state). */
    public static void awaitCompleted(ApiSimulator sim, String... taskIds) {
        for (String taskId : taskIds) {
            await("task " + taskId + " to complete on the simulator").atMost(AT_MOST).pollInterval(Duration.ofMillis(20)).until(() -> {
                SimulatorStats.TaskStats task = sim.stats().tasks().get(taskId);
                return task != null && task.completeTime() > 0 && System.currentTimeMillis() >= task.completeTime();
            });
        }
    }
}
