package io.ltx2.connect.simulation;

import io.ltx2.connect.sink.SimulatedSinkTasks;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connect's side of the sink connector, as {@code WorkerSinkTask} does it: a consumer group over the
 * input topic whose partitions are spread over the running task slots (moved partitions only, as the
 * cooperative protocol does), records handed to {@code put} from the positions (a batch refused with
 * a RetriableException is handed again), offsets committed from what {@code preCommit} returns (on a
 * revocation: preCommit, then close, then the commit). A crashed slot's partitions move once its
 * session times out; a task that throws anything else is failed, and that is a violation.
 */
final class SinkWorker {
    static final String INPUT = "requests";
    private static final long COMMIT_INTERVAL_MS = 1_000;
    private static final long IDLE_POLL_MS = 1_000;

    private final World w;
    private final Map<String, String> props;
    private final List<SinkSlot> slots = new ArrayList<>();
    /** Which slot takes which partition: turned by a rebalance that moves partitions between running tasks. */
    private int rotation;
    /** The group's committed offsets (of the input topic as it is now). */
    final Map<TopicPartition, Long> committed = new HashMap<>();

    SinkWorker(World w, Map<String, String> props) {
        this.w = w;
        this.props = props;
        for (int i = 0; i < w.schedule.sinkTasks; i++) {
            slots.add(new SinkSlot(i));
        }
        w.kafka.onAppend(tp -> slots.forEach(s -> {
            if (s.running() && s.assigned.contains(tp)) {
                s.wake(1);
            }
        }));
    }

    /** One task slot of the connector: its current task instance, if any, and what Connect keeps for it. */
    final class SinkSlot {
        final int index;
        SimProcess process;
        SinkTask task;
        SimSinkContext context;
        final List<TopicPartition> assigned = new ArrayList<>();
        final Map<TopicPartition, Long> positions = new HashMap<>();
        final Map<TopicPartition, Long> current = new HashMap<>();
        List<SinkRecord> redelivery;
        private long generation;
        private long nextPollAt = Long.MAX_VALUE;
        private long nextCommitAt;
        boolean down = true;

        SinkSlot(int index) {
            this.index = index;
        }

        boolean running() {
            return !down && task != null;
        }

        void wake(long delayMs) {
            long at = w.time.nanoTime() + delayMs * 1_000_000;
            if (at >= nextPollAt) {
                return;
            }
            nextPollAt = at;
            long gen = generation;
            w.time.worker(delayMs * 1_000_000, process.node, () -> {
                if (gen == generation && nextPollAt == at) {
                    nextPollAt = Long.MAX_VALUE;
                    loop();
                }
            });
        }

        private void loop() {
            if (!running()) {
                return;
            }
            long now = w.time.millis();
            if (now >= nextCommitAt) {
                nextCommitAt = now + COMMIT_INTERVAL_MS;
                commit(List.copyOf(assigned), false);
            }
            if (running()) {
                put();
            }
            if (running()) {
                long timeout = context.timeoutMs;
                context.timeoutMs = -1;
                wake(Math.min(timeout > 0 ? timeout : IDLE_POLL_MS, COMMIT_INTERVAL_MS));
            }
        }

        private void put() {
            List<SinkRecord> batch = redelivery != null ? redelivery : new InputBatches(w, INPUT).fetch(this);
            try {
                task.put(batch);
            } catch (RetriableException e) {
                redelivery = batch;
                return;
            } catch (RuntimeException e) {
                fail("put", e);
                return;
            }
            redelivery = null;
            for (SinkRecord r : batch) {
                current.put(new TopicPartition(r.topic(), r.kafkaPartition()), r.kafkaOffset() + 1);
                Ledger.Input in = w.ledger.input(w.kafka.topic(INPUT).id, r.kafkaPartition(), r.kafkaOffset());
                if (in != null) {
                    in.accepted = true;
                }
            }
        }

        /** preCommit, then (closing) close, then the commit of what the task returned, as WorkerSinkTask does. */
        void commit(List<TopicPartition> partitions, boolean closing) {
            Map<TopicPartition, OffsetAndMetadata> offered = new LinkedHashMap<>();
            partitions.forEach(tp -> offered.put(tp, new OffsetAndMetadata(current.getOrDefault(tp, positions.getOrDefault(tp, 0L)))));
            Map<TopicPartition, OffsetAndMetadata> provided;
            try {
                provided = task.preCommit(new HashMap<>(offered));
            } catch (RuntimeException e) {
                fail("preCommit", e);
                return;
            } finally {
                if (closing && task != null) {
                    try {
                        task.close(partitions);
                    } catch (RuntimeException e) {
                        fail("close", e);
                    }
                }
            }
            provided.forEach((tp, o) -> {
                if (offered.containsKey(tp) && o.offset() <= offered.get(tp).offset()) {
                    commitOffset(tp, o.offset());
                }
            });
        }

        void fail(String where, RuntimeException e) {
            w.ledger.violation("sink task " + index + " failed in " + where + ": " + e);
            SinkTask t = task;
            down = true;
            task = null;
            generation++;
            try {
                t.stop();
            } catch (RuntimeException ignored) {
                // failed anyway
            }
            rebalance();
        }

        void start() {
            generation++;
            process = new SimProcess("sink-" + index + "-" + generation, w.time, w.kafka, w.api, w.random);
            context = new SimSinkContext(w.dlq);
            task = SimulatedSinkTasks.create(process);
            assigned.clear();
            positions.clear();
            current.clear();
            redelivery = null;
            nextPollAt = Long.MAX_VALUE;
            down = false;
            try {
                task.initialize(context);
                task.start(new HashMap<>(w.sinkTaskConfigs(props).get(index)));
            } catch (RuntimeException e) {
                fail("start", e);
            }
        }
    }

    private void commitOffset(TopicPartition tp, long offset) {
        String topicId = w.kafka.topic(INPUT).id;
        for (Ledger.Input in : w.ledger.inputs.values()) {
            if (in.topicId.equals(topicId) && in.partition == tp.partition() && in.offset < offset && !w.ledger.outcomeDurable(in.spec.prompt())) {
                w.ledger.violation("input offset " + tp + "@" + offset + " committed before the outcome of " + in.spec.prompt() + " (offset "
                        + in.offset + ") was durable");
            }
        }
        committed.put(tp, offset);
    }

    List<SinkSlot> slots() {
        return slots;
    }

    void startAll() {
        slots.forEach(SinkSlot::start);
        rebalance();
    }

    /** Spreads the input partitions over the running slots; revoked ones are committed and closed, new ones opened. */
    void rebalance() {
        List<SinkSlot> live = slots.stream().filter(SinkSlot::running).toList();
        Map<SinkSlot, List<TopicPartition>> target = new HashMap<>();
        live.forEach(s -> target.put(s, new ArrayList<>()));
        int n = w.kafka.partitionCount(INPUT);
        for (int p = 0; p < n && !live.isEmpty(); p++) {
            target.get(live.get((p + rotation) % live.size())).add(new TopicPartition(INPUT, p));
        }
        w.ledger.disturbances.add(w.time.millis());
        for (SinkSlot s : live) {
            List<TopicPartition> revoked = s.assigned.stream().filter(tp -> !target.get(s).contains(tp)).toList();
            if (!revoked.isEmpty()) {
                s.commit(revoked, true);
                forget(s, revoked);
            }
        }
        for (SinkSlot s : live) {
            if (!s.running()) {
                continue;
            }
            List<TopicPartition> added = target.get(s).stream().filter(tp -> !s.assigned.contains(tp)).toList();
            if (added.isEmpty()) {
                continue;
            }
            for (TopicPartition tp : added) {
                long at = committed.getOrDefault(tp, 0L);
                s.positions.put(tp, at);
                s.current.put(tp, at);
            }
            s.assigned.addAll(added);
            s.context.assignment.addAll(added);
            try {
                s.task.open(added);
            } catch (RuntimeException e) {
                s.fail("open", e);
                continue;
            }
            s.wake(1);
        }
    }

    private static void forget(SinkSlot s, List<TopicPartition> partitions) {
        s.assigned.removeAll(partitions);
        partitions.forEach(tp -> {
            s.positions.remove(tp);
            s.current.remove(tp);
        });
        s.context.assignment.removeAll(partitions);
        s.context.paused.removeAll(partitions);
        if (s.redelivery != null) {
            s.redelivery = s.redelivery.stream().filter(r -> !partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition()))).toList();
        }
    }

    /** A member joined or left the group: the partitions move between the running tasks. */
    void shuffle() {
        rotation++;
        rebalance();
    }

    /** The slot's process dies; its partitions move once its session times out, and it comes back after {@code downMs}. */
    void crash(SinkSlot s, long downMs) {
        if (!s.running()) {
            return;
        }
        s.process.crash();
        s.down = true;
        s.generation++;
        s.task = null;
        long session = Math.min(downMs, 3_000);
        w.time.worker(session * 1_000_000, null, this::rebalance);
        w.time.worker(downMs * 1_000_000, null, () -> restart(s));
    }

    /** The slot is stopped cleanly (its partitions committed and closed) and comes back after {@code downMs}. */
    void stop(SinkSlot s, long downMs) {
        if (!s.running()) {
            return;
        }
        s.commit(List.copyOf(s.assigned), true);
        if (s.task != null) {
            try {
                s.task.stop();
            } catch (RuntimeException e) {
                w.ledger.violation("sink task " + s.index + " failed in stop: " + e);
            }
        }
        forget(s, List.copyOf(s.assigned));
        s.down = true;
        s.task = null;
        s.generation++;
        rebalance();
        w.time.worker(downMs * 1_000_000, null, () -> restart(s));
    }

    void restart(SinkSlot s) {
        if (s.running()) {
            return;
        }
        s.start();
        rebalance();
    }

    /** The input topic is deleted and created again: its partitions are revoked everywhere, then assigned anew from offset 0. */
    void recreate(Runnable deleteAndCreate) {
        for (SinkSlot s : slots) {
            if (s.running() && !s.assigned.isEmpty()) {
                s.commit(List.copyOf(s.assigned), true);
                forget(s, List.copyOf(s.assigned));
            }
        }
        deleteAndCreate.run();
        committed.clear();
        rebalance();
    }
}
