package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The restart scan's verdicts, over an in-memory tracking topic. */
class PriorAttemptsTest {
    private static final TopicPartition INPUT = new TopicPartition("requests", 0);
    private final List<ConsumerRecord<byte[], byte[]>> topic = new ArrayList<>();

    private void write(TrackingRecord r) {
        topic.add(new ConsumerRecord<>("tracking", 0, topic.size(), 1_000L, TimestampType.CREATE_TIME, -1, -1,
                r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r), new RecordHeaders(), Optional.empty()));
    }

    private static TrackedRequest request(String connector, long offset) {
        return new TrackedRequest(new RequestIdentity(connector, "requests", 0, offset), "user-1", "async", "auto", null, Map.of());
    }

    private PriorAttempts scanned(boolean dryRun, long... redelivered) {
        PriorAttempts prior = new PriorAttempts("sink", new TrackingFeed("tracking", () -> new ScanConsumer("tracking", new ArrayList<>(topic)),
                () -> 0L), Duration.ofMinutes(5), Duration.ofSeconds(5), dryRun);
        prior.assigned(List.of(INPUT));
        List<SinkRecord> batch = new ArrayList<>();
        for (long o : redelivered) {
            batch.add(new SinkRecord("requests", 0, null, "user-1", null, "{}", o, 10_000L, TimestampType.CREATE_TIME));
        }
        prior.prepare(batch);
        return prior;
    }

    private static PriorAttempts.Verdict verdict(PriorAttempts prior, String connector, long offset) {
        return prior.lookUp(new RequestIdentity(connector, "requests", 0, offset)).verdict();
    }

    @Test
    void eachRequestIsFoundByItsRecordWhateverItsLabel() {
        write(TrackingRecord.submitted(request("sink", 0), "t0", 1, List.of(), 1L));
        write(TrackingRecord.rejected(request("sink", 1), FailCodes.HTTP_400, "no", List.of(), 1L));
        write(TrackingRecord.intent(request("sink", 2), 1, 5L));
        write(TrackingRecord.submitted(request("another-sink", 3), "t3", 1, List.of(), 1L));
        PriorAttempts prior = scanned(false, 0, 1, 2, 3, 4);

        assertThat(verdict(prior, "sink", 0)).isEqualTo(PriorAttempts.Verdict.HANDLED);
        assertThat(verdict(prior, "sink", 1)).isEqualTo(PriorAttempts.Verdict.HANDLED);
        PriorAttempts.Found orphan = prior.lookUp(new RequestIdentity("sink", "requests", 0, 2));
        assertThat(orphan.verdict()).isEqualTo(PriorAttempts.Verdict.ORPHANED);
        assertThat(orphan.attempts()).containsExactly(new Attempt(1, 5L));
        assertThat(orphan.lastAttempt()).isEqualTo(1);
        assertThat(verdict(prior, "sink", 3)).as("another connector's request of the same record").isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(verdict(prior, "sink", 4)).isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(verdict(prior, "sink", 0)).as("a verdict is used once").isEqualTo(PriorAttempts.Verdict.NEW);
    }

    private static TrackedRequest ofTopic(String topicId, long offset) {
        return new TrackedRequest(new RequestIdentity("sink", "requests", 0, offset, topicId), "user-1", "async", "auto", null, Map.of());
    }

    /** Review D13: a recreated input topic's records have the deleted topic's coordinates, not its requests. */
    @Test
    void aRecordOfAnotherTopicIdIsAnotherRequestAndOneWithoutIdMatchesAsBefore() {
        write(TrackingRecord.submitted(ofTopic("old-id", 0), "t0", 1, List.of(), 1L));
        write(TrackingRecord.submitted(ofTopic(null, 1), "t1", 1, List.of(), 1L));
        write(TrackingRecord.intent(ofTopic("old-id", 2), 1, 5L));
        write(TrackingRecord.intent(ofTopic("new-id", 2), 1, 6L));
        PriorAttempts prior = scanned(false, 0, 1, 2);

        assertThat(prior.lookUp(new RequestIdentity("sink", "requests", 0, 0, "new-id")).verdict()).as("the deleted topic's request")
                .isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(prior.lookUp(new RequestIdentity("sink", "requests", 0, 1, "new-id")).verdict()).as("written by an older version")
                .isEqualTo(PriorAttempts.Verdict.HANDLED);
        assertThat(prior.lookUp(new RequestIdentity("sink", "requests", 0, 2, "new-id")).attempts()).containsExactly(new Attempt(1, 6L));
        assertThat(scanned(false, 0).lookUp(new RequestIdentity("sink", "requests", 0, 0)).verdict()).as("the topic's id unknown")
                .isEqualTo(PriorAttempts.Verdict.HANDLED);
    }

    @Test
    void aFoundRequestNamesTheTrackingPartitionOfItsRecords() {
        write(TrackingRecord.intent(request("sink", 0), 1, 5L));
        PriorAttempts prior = scanned(false, 0, 1);
        assertThat(prior.lookUp(new RequestIdentity("sink", "requests", 0, 0)).trackingPartition()).isZero();
        assertThat(prior.lookUp(new RequestIdentity("sink", "requests", 0, 1)).trackingPartition()).isNull();
    }

    @Test
    void dryRunPreviewsCountOnlyForADryRun() {
        write(TrackingRecord.rejected(request("sink", 0), FailCodes.DRY_RUN, "preview", List.of(), 1L));
        assertThat(verdict(scanned(false, 0), "sink", 0)).isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(verdict(scanned(true, 0), "sink", 0)).isEqualTo(PriorAttempts.Verdict.HANDLED);
    }

    /**
     * Review D4 and D8: a CALLBACK without a SUBMITTED record means the task exists unrecorded: it is
     * adopted (and recorded), not skipped as handled; one that has its SUBMITTED or REJECTED record is handled.
     */
    @Test
    void aCallbackNamingTheRequestMeansItsTaskExistsAndIsAdopted() {
        write(TrackingRecord.intent(request("sink", 0), 1, 5L));
        write(TrackingRecord.callback(request("sink", 0).identity(), "t-adopted", 6L, "success", "{}"));
        write(TrackingRecord.callback(request("sink", 1).identity(), "t-no-intent", 6L, "success", "{}"));
        write(TrackingRecord.intent(request("sink", 2), 1, 5L));
        write(TrackingRecord.submitted(request("sink", 2), "t2", 1, List.of(), 6L));
        write(TrackingRecord.callback(request("sink", 2).identity(), "t2", 7L, "success", "{}"));
        write(TrackingRecord.callback(request("sink", 3).identity(), "t3", 7L, "failed", "{}"));
        write(TrackingRecord.rejected(request("sink", 3), FailCodes.HTTP_400, "no", List.of(), 8L));
        PriorAttempts prior = scanned(false, 0, 1, 2, 3);

        PriorAttempts.Found adopt = prior.lookUp(new RequestIdentity("sink", "requests", 0, 0));
        assertThat(adopt.verdict()).isEqualTo(PriorAttempts.Verdict.ADOPT);
        assertThat(adopt.taskId()).isEqualTo("t-adopted");
        assertThat(adopt.attempts()).containsExactly(new Attempt(1, 5L));
        PriorAttempts.Found noIntent = prior.lookUp(new RequestIdentity("sink", "requests", 0, 1));
        assertThat(noIntent.verdict()).isEqualTo(PriorAttempts.Verdict.ADOPT);
        assertThat(noIntent.taskId()).isEqualTo("t-no-intent");
        assertThat(noIntent.attempts()).isEmpty();
        assertThat(verdict(prior, "sink", 2)).isEqualTo(PriorAttempts.Verdict.HANDLED);
        assertThat(verdict(prior, "sink", 3)).isEqualTo(PriorAttempts.Verdict.HANDLED);
    }

    @Test
    void aWithdrawnAttemptIsNoOrphanButItsNumberIsNotReused() {
        write(TrackingRecord.intent(request("sink", 0), 1, 5L));
        write(TrackingRecord.withdrawn(request("sink", 0), 1, 6L));
        write(TrackingRecord.intent(request("sink", 1), 1, 5L));
        write(TrackingRecord.intent(request("sink", 1), 2, 7L));
        write(TrackingRecord.withdrawn(request("sink", 1), 2, 8L));
        PriorAttempts prior = scanned(false, 0, 1);

        PriorAttempts.Found withdrawn = prior.lookUp(new RequestIdentity("sink", "requests", 0, 0));
        assertThat(withdrawn.verdict()).isEqualTo(PriorAttempts.Verdict.NEW);
        assertThat(withdrawn.lastAttempt()).isEqualTo(1);
        PriorAttempts.Found partly = prior.lookUp(new RequestIdentity("sink", "requests", 0, 1));
        assertThat(partly.verdict()).isEqualTo(PriorAttempts.Verdict.ORPHANED);
        assertThat(partly.attempts()).extracting(Attempt::number).containsExactly(1);
        assertThat(partly.lastAttempt()).isEqualTo(2);
    }

    @Test
    void recordsBelowTheFirstRedeliveredOffsetAndRevokedPartitionsAreForgotten() {
        write(TrackingRecord.submitted(request("sink", 3), "t3", 1, List.of(), 1L));
        write(TrackingRecord.submitted(request("sink", 8), "t8", 1, List.of(), 1L));
        PriorAttempts prior = scanned(false, 5, 8);
        assertThat(verdict(prior, "sink", 3)).isEqualTo(PriorAttempts.Verdict.NEW);
        prior.revoked(List.of(INPUT));
        assertThat(verdict(prior, "sink", 8)).isEqualTo(PriorAttempts.Verdict.NEW);
    }

    /** Review D10: a scan that timed out half-way is retried, and what it read twice is counted once. */
    @Test
    void aRetriedScanListsEachAttemptOnce() {
        write(TrackingRecord.intent(request("sink", 0), 1, 5L));
        write(TrackingRecord.intent(request("sink", 0), 2, 6L));
        boolean[] brokerAway = {true};
        PriorAttempts prior = new PriorAttempts("sink", new TrackingFeed("tracking", () -> new ScanConsumer("tracking", new ArrayList<>(topic)) {
            @Override
            public synchronized long position(TopicPartition partition) {
                if (brokerAway[0]) {
                    brokerAway[0] = false;
                    throw new org.apache.kafka.common.errors.TimeoutException("the broker went away after the first fetch");
                }
                return super.position(partition);
            }
        }, () -> 0L), Duration.ofMinutes(5), Duration.ofSeconds(5), false);
        prior.assigned(List.of(INPUT));
        List<SinkRecord> batch = List.of(new SinkRecord("requests", 0, null, "user-1", null, "{}", 0, 10_000L, TimestampType.CREATE_TIME));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> prior.prepare(batch))
                .isInstanceOf(org.apache.kafka.connect.errors.RetriableException.class);
        prior.prepare(batch); // Connect hands the batch again

        PriorAttempts.Found found = prior.lookUp(new RequestIdentity("sink", "requests", 0, 0));
        assertThat(found.attempts()).extracting(Attempt::number).containsExactly(1, 2);
    }
}
