package io.ltx2.connect.sink.cost;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a starting task rebuilds the caps' spend from the budget topic's checkpoints and the tracking
 * records written after them: where its read of the tracking topic starts, which records of each
 * task index count, and what the checkpoints and those records add up to. Without a checkpoint of
 * its own (the first start after an upgrade, or a new task index) the task reads the whole window of
 * the tracking topic, as before checkpoints existed; the spend it finds then of indexes without a
 * checkpoint is carried in its own checkpoints as inherited, so it keeps counting after that read.
 */
public final class SpendRecovery {
    private static final Logger log = LoggerFactory.getLogger(SpendRecovery.class);

    private final int task;
    /** The latest checkpoint of each task index of the connector. */
    private final Map<Integer, BudgetCheckpoint> checkpoints;
    /** Other indexes' spend carried in checkpoints, for indexes without one of their own: the latest of each. */
    private final Map<Integer, BudgetCheckpoint.Inherited> inherited = new HashMap<>();

    SpendRecovery(int task, Map<Integer, BudgetCheckpoint> checkpoints) {
        this.task = task;
        this.checkpoints = Map.copyOf(checkpoints);
        for (BudgetCheckpoint c : checkpoints.values()) {
            for (BudgetCheckpoint.Inherited i : c.inherited()) {
                if (!checkpoints.containsKey(i.task())) {
                    inherited.merge(i.task(), i, (a, b) -> a.time() >= b.time() ? a : b);
                }
            }
        }
    }

    /** Whether the task has a checkpoint: then only the records after it are read. */
    boolean fromCheckpoint() {
        return checkpoints.containsKey(task);
    }

    /**
     * Where the read of the tracking topic starts for the caps (before the margin for clocks): the
     * start of the caps' window without a checkpoint of this task; with one, the earliest time after
     * which any index's records are not yet in a checkpoint (its own, another index's, or an
     * inherited one), never before the window. An index's records after its checkpoint are written
     * within a checkpoint interval of it (then it writes the next one, or it has stopped), so a
     * checkpoint that much older than the window leaves nothing in it to read back: the checkpoint
     * of an index gone since {@code tasks.max} was lowered does not pull every later start back to
     * a full read.
     */
    long readFrom(long now, Duration lookback, Duration checkpointInterval) {
        long windowStart = now - lookback.toMillis();
        if (!fromCheckpoint()) {
            return windowStart;
        }
        long stale = windowStart - checkpointInterval.toMillis() - BudgetHistory.SKEW.toMillis();
        long from = countSince().values().stream().mapToLong(Long::longValue).filter(t -> t >= stale).min().orElse(now);
        return Math.max(windowStart, from);
    }

    /** Per task index, the time from which its records count; null for a full read (every record counts). */
    Map<String, Long> countSince() {
        if (!fromCheckpoint()) {
            return null;
        }
        Map<String, Long> since = new HashMap<>();
        checkpoints.forEach((t, c) -> since.put(Integer.toString(t), c.time()));
        inherited.forEach((t, i) -> since.put(Integer.toString(t), i.time()));
        return since;
    }

    /** This task's spend: its checkpoint plus its records read after it (a full read: the records alone). */
    SpendBuckets own(BudgetHistory.Found found) {
        SpendBuckets own = fromCheckpoint() ? checkpoints.get(task).own().copy() : new SpendBuckets();
        own.addAll(found.own());
        return own;
    }

    /** The other indexes' spend, which counts against the connector's whole cap. */
    SpendBuckets others(BudgetHistory.Found found) {
        SpendBuckets others = new SpendBuckets();
        found.others().values().forEach(others::addAll);
        if (fromCheckpoint()) {
            checkpoints.forEach((t, c) -> {
                if (t != task) {
                    others.addAll(c.own());
                }
            });
            inherited.values().forEach(i -> others.addAll(i.usage()));
        }
        return others;
    }

    /** What the task's checkpoints carry on for indexes without one of their own. */
    Collection<BudgetCheckpoint.Inherited> inheritedToCarry(BudgetHistory.Found found, long readEnd) {
        if (fromCheckpoint()) {
            return new ArrayList<>(inherited.values());
        }
        List<BudgetCheckpoint.Inherited> out = new ArrayList<>();
        found.others().forEach((tag, usage) -> {
            Integer t = index(tag);
            if (t != null && !checkpoints.containsKey(t)) {
                out.add(new BudgetCheckpoint.Inherited(t, readEnd, usage));
            }
        });
        return out;
    }

    /** Indexes with checkpoints of their own. */
    Set<Integer> withCheckpoints() {
        return new HashSet<>(checkpoints.keySet());
    }

    void logRead(BudgetHistory.Found found, String budgetTopic) {
        if (fromCheckpoint()) {
            log.info("Spend caps: rebuilt from {} checkpoint(s) on {} (this task's of {}) and {} tracking records written since, read "
                    + "in {} ms", checkpoints.size(), budgetTopic, java.time.Instant.ofEpochMilli(checkpoints.get(task).time()),
                    found.recordsRead(), found.millis());
        } else {
            log.info("Spend caps: no checkpoint of this task on {} yet (first start with checkpoints): read the caps' whole window of "
                    + "the tracking topic, {} records in {} ms", budgetTopic, found.recordsRead(), found.millis());
        }
    }

    private static Integer index(String tag) {
        try {
            return tag == null || tag.isEmpty() ? null : Integer.valueOf(tag);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
