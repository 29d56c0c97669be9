package io.ltx2.connect.sink;

import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Pauses the input partitions while requests wait for admission or the API asked to back off
 * (429), and resumes them after: waiting happens in Kafka, never in a blocked {@code put}. While
 * work is outstanding it asks Connect to call {@code put} again soon, so that resuming, DLQ
 * reports and a fatal error do not wait for the next offset commit. While requests wait, creates
 * start from the threads that make room (answers, ended tasks), so {@code put} is only needed to
 * resume the input once the queue has drained: it is asked for when the queue is expected to be
 * empty at the rate it drained lately, between {@value #MIN_POLL_MS} ms and {@value #MAX_POLL_MS} ms
 * (the caps' windows are so re-checked at least once a second). Task thread only.
 */
final class Backpressure {
    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);
    /** Poll interval while busy, or paused before any drain rate is known. */
    private static final long SHORT_POLL_MS = 100;
    static final long MIN_POLL_MS = 20;
    static final long MAX_POLL_MS = 1_000;

    private final SinkTaskContext context;
    private final SinkTaskMetrics metrics;
    private final TaskEnvironment env;
    private boolean paused;
    private long lastNanos;
    private long lastAdmitted;
    /** Requests admitted per millisecond lately; NaN before it is known. */
    private double drainRate = Double.NaN;

    Backpressure(SinkTaskContext context, SinkTaskMetrics metrics, TaskEnvironment env) {
        this.context = context;
        this.metrics = metrics;
        this.env = env;
    }

    /**
     * Connect re-pauses newly assigned partitions that this task paused before a rebalance, even if
     * it resumed in between while it owned nothing: make the new ones follow the current state.
     */
    void opened(Collection<TopicPartition> partitions) {
        TopicPartition[] added = partitions.toArray(TopicPartition[]::new);
        if (paused) {
            context.pause(added);
        } else {
            context.resume(added);
        }
    }

    /**
     * @param backlogged requests wait for admission (or the pipeline is full)
     * @param waiting    how many requests wait for admission
     * @param admitted   requests admitted since the task started
     * @param throttled  until when the API asked to back off, if that is ahead
     * @param busy       creates, reports or adoptions are outstanding
     */
    void apply(boolean backlogged, int waiting, long admitted, Optional<Instant> throttled, boolean busy) {
        long untilDrained = untilDrained(waiting, admitted);
        Set<TopicPartition> assignment = context.assignment();
        if (assignment.isEmpty()) {
            log.trace("No partitions assigned; backpressure state kept (paused: {})", paused);
        } else if (backlogged || throttled.isPresent()) {
            if (!paused) {
                metrics.pauses.record();
                log.debug("Pausing input: requests wait for admission: {}, API throttled: {}", backlogged, throttled.isPresent());
            }
            paused = true;
            context.pause(assignment.toArray(TopicPartition[]::new));
        } else if (paused) {
            paused = false;
            context.resume(assignment.toArray(TopicPartition[]::new));
            log.debug("Resuming input");
        }
        if (paused || busy) {
            long wait = throttled.map(t -> Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()), t).toMillis())
                    .orElse(paused && waiting > 0 ? untilDrained : SHORT_POLL_MS);
            context.timeout(Math.max(MIN_POLL_MS, Math.min(wait, MAX_POLL_MS)));
        }
    }

    /** When the waiting requests should all have been admitted, at the rate requests were admitted since the last call. */
    private long untilDrained(int waiting, long admitted) {
        long now = env.nanoTime();
        if (lastNanos != 0) {
            double elapsedMs = (now - lastNanos) / 1e6;
            if (admitted > lastAdmitted) {
                drainRate = (admitted - lastAdmitted) / Math.max(1.0, elapsedMs);
            } else if (elapsedMs >= SHORT_POLL_MS) {
                drainRate = 0; // nothing drained lately: blocked by a cap, or waiting for answers
            }
        }
        lastNanos = now;
        lastAdmitted = admitted;
        if (Double.isNaN(drainRate)) {
            return SHORT_POLL_MS;
        }
        return drainRate == 0 ? MAX_POLL_MS : (long) (waiting / drainRate);
    }
}
