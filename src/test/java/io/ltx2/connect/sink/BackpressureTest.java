package io.ltx2.connect.sink;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Connect calls put again when the queue is expected to have drained: soon while it drains fast, once a second while nothing drains. */
class BackpressureTest {
    private final FakeSinkContext context = new FakeSinkContext();
    private final SinkTaskMetrics metrics = SinkTaskMetrics.register("bp", 0, context);
    private final Backpressure backpressure = new Backpressure(context, metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void whilePausedPutComesBackWhenTheQueueShouldBeEmptyAtTheRateItDrains() throws Exception {
        context.assignment.add(new TopicPartition("in", 0));
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
}
