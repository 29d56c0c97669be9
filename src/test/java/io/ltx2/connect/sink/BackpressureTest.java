package io.ltx2.connect.sink;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Connect calls put again when the queue is expected to have drained: soon while it drains fast, once a second while nothing drains. */
class BackpressureTest {
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);
    private final FakeSinkContext context = new FakeSinkContext();
    private final SinkTaskMetrics metrics = SinkTaskMetrics.register("bp", 0, context);
    private final Backpressure backpressure = new Backpressure(context, metrics, io.ltx2.connect.util.TaskEnvironment.SYSTEM);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void whilePausedPutComesBackWhenTheQueueShouldBeEmptyAtTheRateItDrains() throws Exception {
        context.assignment.add(P0);
        backpressure.apply(true, 500, 0, Optional.empty(), false);
        assertThat(context.paused).as("requests wait: input paused").hasSize(1);
        assertThat(context.timeoutMs).as("no drain rate known yet").isEqualTo(100);

        Thread.sleep(150);
        backpressure.apply(true, 400, 0, Optional.empty(), true);
        assertThat(context.timeoutMs).as("nothing admitted lately (a cap): once a second is enough").isEqualTo(Backpressure.MAX_POLL_MS);

        Thread.sleep(100);
        backpressure.apply(true, 10, 10_000, Optional.empty(), true);
        assertThat(context.timeoutMs).as("draining fast: soon, never below the floor").isEqualTo(Backpressure.MIN_POLL_MS);

        backpressure.apply(false, 0, 10_000, Optional.empty(), true);
        assertThat(context.paused).as("queue empty: input resumed").isEmpty();
        assertThat(context.timeoutMs).as("creates still out").isEqualTo(100);
    }

    @Test
    void pausesWhileRequestsWaitOrTheApiThrottlesAndResumesAfter() {
        context.assignment.addAll(List.of(P0, P1));
        backpressure.apply(true, 0, 0, Optional.empty(), true);
        assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);
        assertThat(context.timeoutMs).as("put again soon to resume promptly").isBetween(20L, 1_000L);

        backpressure.apply(false, 0, 0, Optional.of(Instant.now().plusSeconds(3)), false);
        assertThat(context.paused).as("a 429's Retry-After keeps the input paused").containsExactlyInAnyOrder(P0, P1);

        backpressure.apply(false, 0, 0, Optional.empty(), false);
        assertThat(context.paused).isEmpty();
        assertThat(metrics.total("input-pauses")).as("one pause, however long").isEqualTo(1);
    }

    @Test
    void newlyAssignedPartitionsFollowTheCurrentState() {
        context.assignment.add(P0);
        backpressure.apply(true, 0, 0, Optional.empty(), true);
        backpressure.opened(List.of(P1));
        assertThat(context.paused).contains(P1);

        backpressure.apply(false, 0, 0, Optional.empty(), false);
        context.paused.add(P1); // Connect re-pauses what the task had paused before a rebalance
        backpressure.opened(List.of(P1));
        assertThat(context.paused).doesNotContain(P1);
    }
}
