package io.ltx2.connect.sink;

import io.ltx2.connect.metrics.TaskMetrics;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BackpressureTest {
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);
    private final FakeSinkContext context = new FakeSinkContext();
    private final SinkTaskMetrics metrics = new SinkTaskMetrics(TaskMetrics.register("test-backpressure", "bp", 0));
    private final Backpressure backpressure = new Backpressure(context, metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void pausesWhileRequestsWaitOrTheApiThrottlesAndResumesAfter() {
        context.assignment.addAll(List.of(P0, P1));
        backpressure.apply(true, Optional.empty(), true);
        assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);
        assertThat(context.timeoutMs).as("put again soon to resume promptly").isBetween(20L, 1_000L);

        backpressure.apply(false, Optional.of(Instant.now().plusSeconds(3)), false);
        assertThat(context.paused).as("a 429's Retry-After keeps the input paused").containsExactlyInAnyOrder(P0, P1);

        backpressure.apply(false, Optional.empty(), false);
        assertThat(context.paused).isEmpty();
        assertThat(metrics.total("input-pauses")).as("one pause, however long").isEqualTo(1);
    }

    @Test
    void newlyAssignedPartitionsFollowTheCurrentState() {
        context.assignment.add(P0);
        backpressure.apply(true, Optional.empty(), true);
        backpressure.opened(List.of(P1));
        assertThat(context.paused).contains(P1);

        backpressure.apply(false, Optional.empty(), false);
        context.paused.add(P1); // Connect re-pauses what the task had paused before a rebalance
        backpressure.opened(List.of(P1));
        assertThat(context.paused).doesNotContain(P1);
    }
}
