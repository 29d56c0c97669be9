package io.ltx2.connect.sink;

import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.util.TaskEnvironment;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Turns request records into API tasks. {@code put} hands records to the {@link RequestIntake}
 * (earlier attempts, parsing, validation) and starts creates through the {@link Submitter}, which
 * writes an INTENT before each create goes out and the outcome (SUBMITTED or REJECTED) after;
 * {@link #preCommit} lets Connect commit an input offset only when everything below it is durable;
 * {@link Backpressure} pauses the input instead of blocking {@code put}.
 */
public class LtxSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(LtxSinkTask.class);

    /** How long Connect waits before handing a batch again while the task cannot start. */
    static final long START_BACKOFF_MS = 5_000;

    private final SinkClients clients;
    private LtxSinkTaskConfig config;
    /** Null until the task could start: the tracking cluster may not answer at {@link #start}. */
    private SinkTaskParts parts;
    /** Partitions assigned before the task could start, opened once it does. */
    private final Set<TopicPartition> openedEarly = new LinkedHashSet<>();
    private int startAttempts;

    public LtxSinkTask() {
        this(SinkClients.REAL);
    }

    /** For tests: fake clients and clock. */
    LtxSinkTask(SinkClients clients) {
        this.clients = clients;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new LtxSinkTaskConfig(props);
        tryToStart();
    }

    /**
     * Builds the task's parts; false, after a WARN, while the tracking cluster cannot answer
     * (Kafka's retriable errors, time-outs): then nothing is read, sent or committed, and each
     * {@code put} tries again, so a cluster that is down for a while delays the task instead of
     * failing it for good. Anything else fails the task.
     */
    private boolean tryToStart() {
        long started = System.nanoTime();
        startAttempts++;
        try {
            parts = new SinkTaskParts(config, context, clients);
        } catch (RuntimeException e) {
            if (!TaskFailure.isTransient(e)) {
                throw e;
            }
            log.warn("Cannot start yet (attempt {}): the tracking cluster did not answer ({}); nothing is read, sent or committed "
                    + "meanwhile, trying again in {} ms", startAttempts, e.getMessage(), START_BACKOFF_MS);
            return false;
        }
        log.info("Started LTX sink task {} of {} (version {}) in {} ms: {} requests, up to {} creates in flight, {} calls/min, tracking topic {}, "
                        + "rejected records {}, unreadable records {}", config.placement().index(), config.placement().count(), version(),
                (System.nanoTime() - started) / 1_000_000, config.requestType(), config.maxInFlight(),
                Math.round(parts.client.settings().callsPerMinute()), config.trackingTopic(),
                parts.dlq.enabled() ? "also to the dead letter queue" : "to the tracking topic only",
                config.toleratesErrors() ? "rejected" : "fail the task");
        if (!openedEarly.isEmpty()) {
            open(List.copyOf(openedEarly));
            openedEarly.clear();
        }
        return true;
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (parts == null) {
            openedEarly.addAll(partitions);
            return;
        }
        parts.topicIds.assigned(partitions);
        parts.intake.assigned(partitions);
        parts.backpressure.opened(partitions);
        log.info("Assigned {} partition(s): {}", partitions.size(), partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (parts == null && !tryToStart()) {
            context.timeout(START_BACKOFF_MS);
            throw new RetriableException("The sink task could not start yet: the tracking cluster did not answer");
        }
        RuntimeException costFailure = parts.costs.failure();
        if (costFailure != null) {
            parts.failure.fail(new ConnectException(costFailure.getMessage(), costFailure));
        }
        ConnectException unavailable = parts.availability.failure();
        if (unavailable != null) {
            parts.failure.fail(unavailable);
        }
        parts.failure.throwIfFailed();
        parts.dlq.flush();
        long now = clients.clock().getAsLong();
        parts.costs.maybeCheckpoint(now);
        parts.intake.checkWaiting(now);
        parts.retries.accept(now);
        try {
            parts.intake.accept(records, now);
        } catch (DataException unreadable) {
            // The requests before an unreadable record still go out before the task fails: closing withdraws
            // creates that have not left yet, so wait here (bounded) for those started to be answered.
            parts.submitter.startCreates();
            awaitQuiet(config.shutdownTimeout(), () -> parts.submitter.awaited() > 0 || !parts.dlq.idle() || parts.submitter.inFlight() > 0);
            throw unreadable;
        }
        parts.submitter.startCreates();
        parts.dlq.flush();
        // Requests waiting for an earlier create's answer keep put coming too: their records arrive on the tracking topic, not the input.
        boolean busy = parts.submitter.inFlight() > 0 || !parts.dlq.idle() || parts.intake.awaitingEarlier() > 0;
        parts.backpressure.apply(parts.submitter.backlogged(), parts.submitter.waiting(), parts.submitter.admitted(), parts.client.throttledUntil(),
                busy);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (parts == null) {
            return Map.of(); // not started: nothing was handled
        }
        parts.dlq.flush();
        return parts.offsets.committable(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (parts == null) {
            openedEarly.removeAll(partitions);
            return;
        }
        int dropped = parts.submitter.close(partitions);
        // Let the creates of these partitions already out finish, so the next owner's scan sees their outcome.
        awaitQuiet(config.shutdownTimeout(), () -> parts.submitter.awaited(partitions) > 0 || !parts.dlq.idle());
        parts.offsets.forget(partitions);
        parts.intake.revoked(partitions);
        log.info("Closed {} partition(s), {} queued request(s) left for the next owner", partitions.size(), dropped);
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        if (parts == null) {
            return;
        }
        parts.submitter.stop();
        awaitQuiet(config.shutdownTimeout(), () -> parts.submitter.awaited() > 0 || !parts.dlq.idle());
        parts.costs.checkpoint(clients.clock().getAsLong()); // after the creates out have their outcome stamped
        int left = parts.submitter.awaited();
        SinkTaskMetrics m = parts.metrics;
        log.info("Stopped LTX sink task in {} ms: {} submitted ({} s of video), {} rejected, {} dry-run, {} redelivered duplicates skipped, "
                        + "{} unconfirmed attempts, {} adopted", (System.nanoTime() - started) / 1_000_000, m.total("requests-submitted"),
                m.total("video-seconds-submitted"), m.total("requests-rejected"), m.total("requests-dry-run"), m.total("duplicates-skipped"),
                m.total("unconfirmed-attempts"), m.total("requests-adopted"));
        parts.close();
        if (left > 0) {
            log.warn("Stopped with {} create(s) unanswered: their INTENT records tell the next owner they may exist "
                    + "(see docs/delivery-semantics.md)", left);
        }
    }

    /** The started task's collaborators, for tests. */
    SinkTaskParts parts() {
        return parts;
    }

    /** Waits, up to the timeout, while {@code busy} (creates out on the wire, DLQ reports); task thread only. */
    private void awaitQuiet(Duration timeout, BooleanSupplier busy) {
        TaskEnvironment env = clients.environment();
        long deadline = env.nanoTime() + timeout.toNanos();
        while (env.nanoTime() < deadline && busy.getAsBoolean()) {
            parts.dlq.flush();
            try {
                env.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
