package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Callback mode: requests whose create may exist wait for that task's callback, or give up waiting. */
class AdoptionWatcherTest {
    private static final TopicPartition INPUT = new TopicPartition("requests", 0);
    private ScanConsumer consumer;
    private final AdoptionWatcher watcher = new AdoptionWatcher("tracking", () -> consumer = new ScanConsumer("tracking", new ArrayList<>()),
            Duration.ofSeconds(60));

    @AfterEach
    void close() {
        watcher.close();
    }

    private static Submission waiting(long offset) {
        SinkRequest r = new SinkRequest(new RequestIdentity("sink", "requests", 0, offset), "k", "auto", null, Map.of());
        return new Submission(null, INPUT, r, 0, PriorAttempts.Found.NEW);
    }

    private void append(TrackingRecord r) {
        consumer.append(new ConsumerRecord<>("tracking", 0, consumer.endOffsets(List.of(new TopicPartition("tracking", 0)))
                .get(new TopicPartition("tracking", 0)), 1L, TimestampType.CREATE_TIME, -1, -1, r.key().getBytes(StandardCharsets.UTF_8),
                TrackingRecordCodec.encode(r), new RecordHeaders(), Optional.empty()));
    }

    @Test
    void theCallbackNamingTheRequestAdoptsIt() {
        Submission s = waiting(4);
        watcher.await(s, 1_000, null);
        append(TrackingRecord.callback(new RequestIdentity("sink", "requests", 0, 9), "someone-else", 2_000, "success", "{}"));
        append(TrackingRecord.callback(null, "no-identity", 2_000, "success", "{}"));
        assertThat(watcher.poll(2_000)).isEqualTo(AdoptionWatcher.Decided.NONE);

        append(TrackingRecord.callback(s.request().identity(), "orphan", 3_000, "success", "{}"));
        AdoptionWatcher.Decided d = watcher.poll(3_000);
        assertThat(d.adopted()).containsExactly(s);
        assertThat(d.expired()).isEmpty();
        assertThat(watcher.waiting()).isZero();
    }

    @Test
    void withoutACallbackInTimeTheRequestIsReleasedToBeSubmittedAgain() {
        Submission s = waiting(4);
        watcher.await(s, 1_000, null);
        assertThat(watcher.poll(60_999).expired()).isEmpty();
        assertThat(watcher.poll(61_000).expired()).containsExactly(s);
    }

    @Test
    void aRevokedPartitionTakesItsWaitingRequestsAlong() {
        Submission s = waiting(4);
        watcher.await(s, 1_000, null);
        assertThat(watcher.revoked(List.of(INPUT))).containsExactly(s);
        assertThat(watcher.waiting()).isZero();
    }
}
