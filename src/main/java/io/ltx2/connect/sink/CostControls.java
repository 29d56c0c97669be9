package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.config.TaskPlacement;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A task's part of the cost controls, rebuilt at start from its connector's tracking records (and,
 * for the concurrency cap, the events topic): the spend caps' budget, the running API tasks, and
 * the duplicate guard's index. Each is null when its control is off; nothing is read when all are.
 */
record CostControls(SpendBudget budget, RunningTasks running, DuplicateGuard guard) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CostControls.class);
    static final CostControls NONE = new CostControls(null, null, null);

    /**
     * @param consumers a consumer of the tracking topic for a one-off read, by client id
     * @param followers a consumer that follows a topic for good (the events topic), by client id
     */
    static CostControls load(LtxSinkTaskConfig config, String connector, Function<String, Consumer<byte[], byte[]>> consumers,
                             Function<String, Consumer<byte[], byte[]>> followers, LtxApiClient client, LongSupplier clock) {
        boolean caps = config.budgetSecondsPerHour() > 0 || config.budgetSecondsPerDay() > 0;
        Optional<String> events = config.concurrencyEventsTopic();
        boolean guarded = !config.duplicateWindow().isZero();
        if (!caps && events.isEmpty() && !guarded) {
            return NONE;
        }
        TaskPlacement placement = config.placement();
        String clientName = connector + "-" + placement.index();
        SpendBudget budget = caps ? new SpendBudget(config.budgetSecondsPerHour(), config.budgetSecondsPerDay(), placement.count(), clock) : null;
        List<Duration> lookbacks = new ArrayList<>();
        if (budget != null) {
            lookbacks.add(budget.lookback());
        }
        events.ifPresent(e -> lookbacks.add(config.concurrencyTimeout()));
        if (guarded) {
            lookbacks.add(config.duplicateWindow());
        }
        Supplier<Consumer<byte[], byte[]>> history = () -> consumers.apply("ltx-sink-history-" + clientName);
        BudgetHistory.Found found = BudgetHistory.read(history, config.trackingTopic(), connector, placement.index(),
                Collections.max(lookbacks), clock.getAsLong(), Duration.ofSeconds(120), guarded);
        DuplicateGuard guard = null;
        if (guarded) {
            guard = new DuplicateGuard(config.duplicateWindow(), config.model(), client, clock);
            guard.load(found.created());
        }
        RunningTasks running = null;
        if (events.isPresent()) {
            int limit = placement.partOf(config.connectorMaxConcurrentTasks());
            running = new RunningTasks(limit, config.concurrencyTimeout(), clock, () -> followers.apply("ltx-sink-events-" + clientName),
                    events.get(), found.ownTasks(), "ltx-sink-events-" + clientName);
            log.info("Concurrency cap: this task keeps at most {} API tasks running (of the connector's {}); {} submitted in the last {} "
                    + "min, following {} for their terminal events", limit, config.connectorMaxConcurrentTasks(), found.ownTasks().size(),
                    config.concurrencyTimeout().toMinutes(), events.get());
        }
        if (budget != null) {
            budget.load(found.own(), found.others());
            log.info("Spend caps: this task may submit {} video seconds per hour and {} per day (of the connector's {} and {}, 0 = no cap); "
                            + "read {} tracking records in {} ms: {} of its own and {} other submissions of this connector in the window; "
                            + "remaining now: {} s this hour, {} s today (-1 = no cap)", budget.hourCap(), budget.dayCap(),
                    config.budgetSecondsPerHour(), config.budgetSecondsPerDay(), found.recordsRead(), found.millis(), found.own().size(),
                    found.others().size(), budget.remainingHour(), budget.remainingDay());
        }
        return new CostControls(budget, running, guard);
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
