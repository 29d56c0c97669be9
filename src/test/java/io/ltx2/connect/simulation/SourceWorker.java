package io.ltx2.connect.simulation;

import io.ltx2.connect.source.SimulatedSourceTasks;
import io.ltx2.connect.source.TaskAssignment;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Connect's side of the source connector with {@code exactly.once.source.support=enabled}: the tasks
 * get their tracking partitions from the connector's own assignment, each {@code poll} is one
 * transaction (its events and their source offsets commit together), a restarted task reads the
 * committed offsets, and added tracking partitions restart every task with the new assignment.
 */
final class SourceWorker {
    private static final long MAX_IDLE_MS = 500;

    private final World w;
    private final Map<String, String> props;
    private final List<SourceSlot> slots = new ArrayList<>();
    /** Committed source offsets by source partition. */
    final Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();
    private List<Map<String, String>> configs;

    SourceWorker(World w, Map<String, String> props) {
        this.w = w;
        this.props = props;
        w.kafka.onAppend(tp -> {
            if (tp.topic().equals(World.TRACKING)) {
                slots.forEach(s -> s.wake(1));
            }
        });
    }

    final class SourceSlot {
        final int index;
        SimProcess process;
        SourceTask task;
        boolean down = true;
        private long generation;
        private long nextPollAt = Long.MAX_VALUE;

        SourceSlot(int index) {
            this.index = index;
        }

        boolean running() {
            return !down && task != null;
        }

        void wake(long delayMs) {
            if (!running()) {
                return;
            }
            long at = w.time.nanoTime() + delayMs * 1_000_000;
            if (at >= nextPollAt) {
                return;
            }
            nextPollAt = at;
            long gen = generation;
            w.time.worker(delayMs * 1_000_000, process.node, () -> {
                if (gen == generation && nextPollAt == at) {
                    nextPollAt = Long.MAX_VALUE;
                    poll();
                }
            });
        }

        private void poll() {
            if (!running()) {
                return;
            }
            List<SourceRecord> records;
            try {
                records = task.poll();
            } catch (InterruptedException | RuntimeException e) {
                w.ledger.violation("source task " + index + " failed in poll: " + e);
                down = true;
                stopQuietly(task);
                task = null;
                return;
            }
            if (records != null) {
                for (SourceRecord r : records) {
                    w.event((Struct) r.value(), r.headers());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> partition = (Map<String, Object>) r.sourcePartition();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> offset = (Map<String, Object>) r.sourceOffset();
                    offsets.put(partition, offset);
                }
            }
            wake(records != null && !records.isEmpty() ? 1 : idleWait());
        }

        private long idleWait() {
            long wait = MAX_IDLE_MS;
            for (SimConsumer c : process.consumers) {
                wait = Math.min(wait, Math.max(5, c.lastPollWaitMs()));
            }
            return wait;
        }

        void start() {
            generation++;
            process = new SimProcess("source-" + index + "-" + generation, w.time, w.kafka, w.api, w.random);
            task = SimulatedSourceTasks.create(process);
            down = false;
            nextPollAt = Long.MAX_VALUE;
            try {
                task.initialize(context());
                task.start(new HashMap<>(configs.get(index)));
            } catch (RuntimeException e) {
                w.ledger.violation("source task " + index + " failed in start: " + e);
                down = true;
                task = null;
                return;
            }
            process.consumers.forEach(c -> c.onWakeup(() -> wake(1)));
            wake(1);
        }
    }

    private SourceTaskContext context() {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return offsets.get(partition);
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                        partitions.forEach(p -> out.put(p, offsets.get(p)));
                        return out;
                    }
                };
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        };
    }

    private static void stopQuietly(SourceTask task) {
        try {
            task.stop();
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
    }

    List<SourceSlot> slots() {
        return slots;
    }

    /** Starts the tasks the connector asks for on the tracking topic as it is now. */
    void startAll() {
        configs = TaskAssignment.taskConfigs(props, w.kafka.partitionCount(World.TRACKING), w.schedule.sourceTasks);
        slots.clear();
        for (int i = 0; i < configs.size(); i++) {
            SourceSlot s = new SourceSlot(i);
            slots.add(s);
            s.start();
        }
    }

    /** The connector saw more tracking partitions: every task stops and the new set starts (a task reconfiguration). */
    void reconfigure() {
        for (SourceSlot s : slots) {
            if (s.running()) {
                s.generation++;
                s.down = true;
                stopQuietly(s.task);
                s.task = null;
            }
        }
        startAll();
    }

    void crash(SourceSlot s, long downMs) {
        if (!s.running()) {
            return;
        }
        s.process.crash();
        s.down = true;
        s.generation++;
        s.task = null;
        w.time.worker(downMs * 1_000_000, null, () -> restart(s));
    }

    void stop(SourceSlot s, long downMs) {
        if (!s.running()) {
            return;
        }
        s.generation++;
        s.down = true;
        stopQuietly(s.task);
        s.task = null;
        w.time.worker(downMs * 1_000_000, null, () -> restart(s));
    }

    void restart(SourceSlot s) {
        if (!s.running() && slots.contains(s)) {
            s.start();
        }
    }

    /**
     * Every tracking partition's progress: the running tasks' watermarks (a trailing record that needs no event, such as a
     * late callback, is resolved in the task; the committed offset follows with the partition's next event).
     */
    Map<Integer, Long> watermarks() {
        Map<Integer, Long> out = new HashMap<>();
        for (SourceSlot s : slots) {
            if (s.running()) {
                out.putAll(SimulatedSourceTasks.watermarks(s.task));
            }
        }
        return out;
    }
}
