package io.ltx2.connect.source;

import io.ltx2.connect.callback.CallbackReceivers;
import io.ltx2.connect.simulation.TaskWorld;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Builds the source task the protocol simulation ({@code io.ltx2.connect.simulation}) runs, over its
 * virtual world. The callback receiver is not started: the simulation's API writes CALLBACK records
 * as the receiver does.
 */
public final class SimulatedSourceTasks {

    private SimulatedSourceTasks() {
    }

    /** The task's progress on each of its tracking partitions (its in-memory watermarks). */
    public static java.util.Map<Integer, Long> watermarks(SourceTask task) {
        return ((LtxSourceTask) task).watermarks();
    }

    public static SourceTask create(TaskWorld world) {
        return new LtxSourceTask(world.environment(), world::consumer, props -> world.topicIds(), world::apiClient, world::producer,
                settings -> new CallbackReceivers.Lease() {
                    @Override
                    public String address() {
                        return "simulated";
                    }

                    @Override
                    public void close() {
                    }
                });
    }
}
