package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.Times;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A task's part of the cost controls, rebuilt at start: the spend caps' budget (from the budget
 * topic's checkpoints and the tracking records written after them, see {@link SpendRecovery}), the
 * running API tasks (the tracking and events topics) and the duplicate guard's index. Each is null
 * when its control is off; nothing is read when all are. With caps, the task's spend is checkpointed
 * every {@code ltx.sink.budget.checkpoint.interval.ms} and at stop ({@link #checkpoint}).
 */
record CostControls(SpendBudget budget, RunningTasks running, DuplicateGuard guard, Checkpoints checkpoints) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CostControls.class);
    static final CostControls NONE = new CostControls(null, null, null, null);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * Where the controls read and write.
     *
     * @param feed   the task's reader of the tracking cluster: the start's reads, and the budget topic's later writes
     * @param events a consumer that follows the events topic for good (the concurrency cap), made once if the cap is on
     * @param admin  the task's Admin client of the tracking cluster (to create the budget topic); not closed here
     * @param writer the task's tracking producer (checkpoints go through it too)
     */
    record Clients(TrackingFeed feed, Supplier<Consumer<byte[], byte[]>> events, Supplier<Admin> admin, TrackingWriter writer) {
    }

    /** How many tracking records a start read for the caps, and in how long. */
    record StartRead(long recordsRead, long millis) {
    }

    /** The spend ledger and where, how often and as whom it is checkpointed; what the start read. */
    static final class Checkpoints {
        final SpendLedger ledger;
        final BudgetTopic topic;
        final String connector;
        final int task;
        final long instance;
        final long intervalMs;
        /** What the start read (the figures only: the records it found are not kept). */
        final StartRead startRead;
        final boolean fromCheckpoint;
        private long lastWritten;

        Checkpoints(SpendLedger ledger, BudgetTopic topic, String connector, int task, long instance, long intervalMs,
                    StartRead startRead, boolean fromCheckpoint) {
            this.ledger = ledger;
            this.topic = topic;
            this.connector = connector;
            this.task = task;
            this.instance = instance;
            this.intervalMs = intervalMs;
            this.startRead = startRead;
            this.fromCheckpoint = fromCheckpoint;
        }
    }

    static CostControls load(LtxSinkTaskConfig config, String connector, Clients clients, LtxApiClient client, LongSupplier clock) {
        boolean caps = config.budgetSecondsPerHour() > 0 || config.budgetSecondsPerDay() > 0;
        Optional<String> events = config.concurrencyEventsTopic();
        boolean guarded = !config.duplicateWindow().isZero();
        if (!caps && events.isEmpty() && !guarded) {
            return NONE;
        }
        TaskPlacement placement = config.placement();
        long instance = clock.getAsLong();
        SpendBudget budget = caps ? new SpendBudget(config.budgetSecondsPerHour(), config.budgetSecondsPerDay(), placement.count(), clock) : null;
        BudgetTopic topic = null;
        if (caps) {
            BudgetTopic.ensure(clients.admin().get(), config.budgetTopic(), config.budgetTopicReplicationFactor(), TIMEOUT);
            topic = new BudgetTopic(config.budgetTopic(), clients.feed(), clients.writer(), connector, placement.index(), instance);
        }
        return load(config, connector, clients, client, clock, budget, topic, instance);
    }

    private static CostControls load(LtxSinkTaskConfig config, String connector, Clients clients, LtxApiClient client, LongSupplier clock,
                                     SpendBudget budget, BudgetTopic topic, long instance) {
        TaskPlacement placement = config.placement();
        Optional<String> events = config.concurrencyEventsTopic();
        boolean guarded = !config.duplicateWindow().isZero();
        SpendRecovery recovery = new SpendRecovery(placement.index(), topic == null ? Map.of() : topic.readAll(connector, TIMEOUT));
        long now = clock.getAsLong();
        List<Duration> lookbacks = new ArrayList<>(List.of(Duration.ZERO));
        events.ifPresent(e -> lookbacks.add(config.concurrencyTimeout()));
        if (guarded) {
            lookbacks.add(config.duplicateWindow());
        }
        long from = Times.since(now, Collections.max(lookbacks).toMillis());
        if (budget != null) {
            from = Math.min(from, recovery.readFrom(now, budget.lookback(), config.budgetCheckpointInterval()));
        }
        BudgetHistory.Keep keep = new BudgetHistory.Keep(guarded ? now - config.duplicateWindow().toMillis() - BudgetHistory.SKEW.toMillis()
                : Long.MAX_VALUE, events.isPresent() ? now - config.concurrencyTimeout().toMillis() : Long.MAX_VALUE);
        BudgetHistory.Found found = BudgetHistory.read(clients.feed(), connector, placement.index(), from,
                budget == null ? null : recovery.countSince(), TIMEOUT, keep);
        DuplicateGuard guard = null;
        if (guarded) {
            guard = new DuplicateGuard(config.duplicateWindow(), config.model(), client, clock);
            guard.load(found.created());
        }
        RunningTasks running = events.isEmpty() ? null : runningTasks(config, clients, connector + "-" + placement.index(), found, clock);
        Checkpoints checkpoints = null;
        if (budget != null) {
            checkpoints = loadBudget(config, budget, topic, recovery, found, connector, instance, clock);
        }
        return new CostControls(budget, running, guard, checkpoints);
    }

    private static RunningTasks runningTasks(LtxSinkTaskConfig config, Clients clients, String clientName, BudgetHistory.Found found,
                                             LongSupplier clock) {
        String events = config.concurrencyEventsTopic().orElseThrow();
        int limit = config.placement().partOf(config.connectorMaxConcurrentTasks());
        RunningTasks running = new RunningTasks(limit, config.concurrencyTimeout(), clock, clients.events(), events, found.ownTasks(),
                "ltx-sink-events-" + clientName);
        log.info("Concurrency cap: this task keeps at most {} API tasks running (of the connector's {}); {} submitted in the last {} "
                + "min, following {} for their terminal events", limit, config.connectorMaxConcurrentTasks(), found.ownTasks().size(),
                config.concurrencyTimeout().toMinutes(), events);
        return running;
    }

    private static Checkpoints loadBudget(LtxSinkTaskConfig config, SpendBudget budget, BudgetTopic topic, SpendRecovery recovery,
                                          BudgetHistory.Found found, String connector, long instance, LongSupplier clock) {
        SpendBuckets own = recovery.own(found);
        SpendBuckets others = recovery.others(found);
        budget.load(own.usage(), others.usage());
        SpendLedger ledger = new SpendLedger(budget.lookback(), clock);
        ledger.load(own, recovery.inheritedToCarry(found, clock.getAsLong()));
        recovery.logRead(found, topic.name());
        log.info("Spend caps: this task may submit {} video seconds per hour and {} per day (of the connector's {} and {}, 0 = no cap); "
                        + "{} s spent by this task and {} s by the connector's other tasks in the window; remaining now: {} s this hour, "
                        + "{} s today (-1 = no cap)", budget.hourCap(), budget.dayCap(), config.budgetSecondsPerHour(),
                config.budgetSecondsPerDay(), own.total(), others.total(), budget.remainingHour(), budget.remainingDay());
        Checkpoints c = new Checkpoints(ledger, topic, connector, config.placement().index(), instance,
                config.budgetCheckpointInterval().toMillis(), new StartRead(found.recordsRead(), found.millis()), recovery.fromCheckpoint());
        checkpoint(c, clock.getAsLong()); // at once: the next start reads from here
        return c;
    }

    /** Writes the spend checkpoint when the interval is up (from {@code put}). */
    void maybeCheckpoint(long now) {
        if (checkpoints != null && now - checkpoints.lastWritten >= checkpoints.intervalMs) {
            checkpoint(checkpoints, now);
        }
    }

    /** Writes the spend checkpoint now (at stop, after the creates out have finished). */
    void checkpoint(long now) {
        if (checkpoints != null) {
            checkpoint(checkpoints, now);
        }
    }

    private static void checkpoint(Checkpoints c, long now) {
        c.lastWritten = now;
        c.topic.write(c.ledger.checkpoint(c.connector, c.task, c.instance));
    }

    /**
     * How the outcome records count their billable seconds: stamped by the spend ledger (what the
     * checkpoints hold) and settled in the live budget in place of the request's reservation, so
     * that what a restart reads back from the records is what the caps held; without caps, the
     * record's time only.
     */
    OutcomeRecorder.Spend spend(LongSupplier clock) {
        SpendLedger ledger = checkpoints == null ? null : checkpoints.ledger;
        return (reservation, seconds) -> {
            if (budget != null) {
                budget.settle(reservation, seconds);
            }
            return ledger == null ? clock.getAsLong() : ledger.stamp(seconds);
        };
    }

    /** Registers the gauges of the controls that are on. */
    void gauges(SinkTaskMetrics metrics) {
        if (budget != null) {
            metrics.gauge("budget-remaining-hour-seconds", "Video seconds this task may still submit in the current sliding hour (-1: no "
                    + "hourly cap)", budget::remainingHour);
            metrics.gauge("budget-remaining-day-seconds", "Video seconds this task may still submit in the current sliding day (-1: no "
                    + "daily cap)", budget::remainingDay);
            metrics.gauge("budget-paused-ms-total", "Milliseconds requests have waited, input paused, for the spend caps to allow them",
                    budget::pausedMs);
        }
        if (running != null) {
            metrics.gauge("api-tasks-running", "API tasks this task submitted that have no terminal event yet (the concurrency cap counts "
                    + "these)", running::running);
        }
    }

    /** Why the concurrency cap cannot work (its events topic cannot be followed), or null. */
    RuntimeException failure() {
        return running == null ? null : running.failure();
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
    }
}
