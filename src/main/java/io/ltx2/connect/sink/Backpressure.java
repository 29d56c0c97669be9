package io.ltx2.connect.sink;

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
 * reports and a fatal error do not wait for the next offset commit. Task thread only.
 */
final class Backpressure {
    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);
    /** Poll interval while paused or busy. */
    private static final long SHORT_POLL_MS = 100;

    private final SinkTaskContext context;
    private final SinkTaskMetrics metrics;
    private boolean paused;

    Backpressure(SinkTaskContext context, SinkTaskMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
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
     * @param backlogged requests wait for admission
     * @param throttled  until when the API asked to back off, if that is ahead
     * @param busy       creates, reports or adoptions are outstanding
     */
    void apply(boolean backlogged, Optional<Instant> throttled, boolean busy) {
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
            long wait = throttled.map(t -> Duration.between(Instant.now(), t).toMillis()).orElse(SHORT_POLL_MS);
            context.timeout(Math.max(20, Math.min(wait, 1_000)));
        }
    }
}
