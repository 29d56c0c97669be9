package io.ltx2.connect.sink;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The source's RETRY records become new attempts, made by the task that owns the request's input partition, each once. */
class RetryIntakeTest {
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "again", "480p", 5, "16:9", null, null, null);
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(22);

    private static TrackedRequest request(String connector, int partition, long offset) {
        return new TrackedRequest(new RequestIdentity(connector, SinkTaskHarness.INPUT, partition, offset), "req", "async", "auto", INPUT,
                Map.of("traceparent", "00-abc-01"));
    }

    @Test
    void aRetryOfAnOwnedRequestIsCreatedOnceAsTheNextAttempt() {
        SinkTaskHarness h = tasks.start("retry").liveTopic();
        LtxSinkTask task = h.start();
        task.put(List.of()); // the follower starts at the topic's end
        TrackedRequest mine = request("retry", 0, 42);
        h.append(TrackingRecord.retry(mine, "t1", 1, "PROCESSING_TIMEOUT", "took too long", false, 1L));
        h.append(TrackingRecord.retry(mine, "t1", 1, "PROCESSING_TIMEOUT", "took too long", false, 1L)); // asked again
        h.append(TrackingRecord.retry(request("another-sink", 0, 43), "t9", 1, "PROCESSING_TIMEOUT", "x", false, 1L));
        h.append(TrackingRecord.retry(request("retry", 5, 44), "t8", 1, "PROCESSING_TIMEOUT", "x", false, 1L)); // not this task's partition
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(h.written(TrackingRecordType.SUBMITTED)).hasSize(1);
        });
        TrackingRecord submitted = h.written(TrackingRecordType.SUBMITTED).get(0);
        assertThat(submitted.identity()).isEqualTo(mine.identity());
        assertThat(submitted.attempt()).isEqualTo(2);
        assertThat(submitted.input()).isEqualTo(INPUT);
        assertThat(submitted.headers()).containsEntry("traceparent", "00-abc-01");
        assertThat(h.written(TrackingRecordType.INTENT)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(2);
        task.put(List.of());
        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(1);
    }

    @Test
    void aRetryWrittenAgainAfterThePartitionMovedHereIsCreatedThoughSeenFirstWhileNotOwned() {
        SinkTaskHarness h = tasks.start("retry-moved").liveTopic();
        LtxSinkTask task = h.start();
        task.put(List.of());
        TopicPartition tp = new TopicPartition(SinkTaskHarness.INPUT, 0);
        task.close(List.of(tp)); // a rebalance takes partition 0 away
        h.context.assignment.remove(tp);
        TrackedRequest request = request("retry-moved", 0, 7);
        h.append(TrackingRecord.retry(request, "t1", 1, "PROCESSING_TIMEOUT", "took too long", false, 1L));
        task.put(List.of());
        assertThat(h.written(TrackingRecordType.INTENT)).as("not this task's request then").isEmpty();

        h.context.assignment.add(tp); // and gives it back; the other owner never made the attempt
        task.open(List.of(tp));
        h.append(TrackingRecord.retry(request, "t1", 1, "PROCESSING_TIMEOUT", "took too long", false, 1L)); // the source asks again
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(h.written(TrackingRecordType.SUBMITTED)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(2);
        });
    }

    @Test
    void aRetryWhoseFailCodeSaysTheApiCannotWorkPausesTheSink() {
        SinkTaskHarness h = tasks.start("retry-unavailable").liveTopic();
        LtxSinkTask task = h.start();
        task.put(List.of());
        h.append(TrackingRecord.retry(request("retry-unavailable", 0, 1), "t1", 1, "MODEL_UNAVAILABLE", "offline", true,
                System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(task.pipeline().availability().isUnavailable()).isTrue();
        });
        assertThat(task.pipeline().availability().reason()).contains("MODEL_UNAVAILABLE");
    }
}
