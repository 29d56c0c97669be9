package io.ltx2.connect.tracking;

import io.ltx2.connect.api.GenerationInput;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is chained on an acknowledgement runs on the writer's own thread, never on the producer's:
 * a chained step that blocks (another send waiting for buffer space, say) must not stall the thread
 * that completes every other record's acknowledgement.
 */
class TrackingWriterTest {

    private static TrackingRecord intent(long offset) {
        TrackedRequest r = new TrackedRequest(new RequestIdentity("sink", "requests", 0, offset), "req-" + offset, "async", "auto",
                new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, null, null), Map.of());
        return TrackingRecord.intent(r, 1, 1_000L);
    }

    @Test
    void acknowledgementsCompleteOffTheProducersThreadSoABlockingStepStallsNoOtherRecord() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (TrackingWriter writer = new TrackingWriter("tracking", producer)) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> firstThread = writer.write(intent(0)).thenApply(m -> {
                await(release); // a chained step that blocks
                return Thread.currentThread().getName();
            });
            CompletableFuture<?> second = writer.write(intent(1));

            long started = System.nanoTime();
            assertThat(producer.completeNext()).isTrue(); // the producer's I/O thread, in a real producer
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the producer's thread was not held").isLessThan(Duration.ofSeconds(1));
            release.countDown();
            assertThat(firstThread.get(5, TimeUnit.SECONDS)).startsWith("ltx-tracking-acks-");
            assertThat(producer.completeNext()).isTrue();
            assertThat(second).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    /** A write the broker refuses for want of an ACL completes with the ACL named (docs/security.md), Kafka's error as the cause. */
    @Test
    void refusedWriteNamesTheMissingAcl() {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (TrackingWriter writer = new TrackingWriter("tracking", producer)) {
            CompletableFuture<?> write = writer.write(intent(0));
            assertThat(producer.errorNext(new TopicAuthorizationException(Set.of("tracking")))).isTrue();
            assertThat(write).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(ConnectException.class).withMessageContaining("may not write topic tracking")
                    .withCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
