package io.ltx2.connect.sink.report;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

public class OffsetTrackerTest {
    private static final TopicPartition A = new TopicPartition("requests", 0);
    private static final TopicPartition B = new TopicPartition("requests", 1);

    @Test
    void commitsOnlyBelowTheOldestUnfinishedRecordWhenCompletionsArriveOutOfOrder() {
        OffsetTracker tracker = new OffsetTracker();
        Map<Long, OffsetTracker.Ticket> t = new java.util.HashMap<>();
        for (long o = 10; o < 15; o++) {
            t.put(o, tracker.begin(A, o));
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(A, new OffsetAndMetadata(15));

        tracker.complete(t.get(12L));
        tracker.complete(t.get(14L));
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(10));

        tracker.complete(t.get(10L));
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(11));

        tracker.complete(t.get(11L));
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(13));

        tracker.complete(t.get(13L));
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(15));
        assertThat(tracker.pendingCount()).isZero();
    }

    @Test
    void partitionsAreIndependentAndUntrackedOnesCommitWhatWasConsumed() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.begin(A, 5);
        tracker.complete(tracker.begin(B, 7));
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(A, new OffsetAndMetadata(6), B, new OffsetAndMetadata(8),
                new TopicPartition("other", 0), new OffsetAndMetadata(3));
        assertThat(tracker.committable(consumed)).containsExactlyInAnyOrderEntriesOf(Map.of(
                A, new OffsetAndMetadata(5), B, new OffsetAndMetadata(8), new TopicPartition("other", 0), new OffsetAndMetadata(3)));
    }

    @Test
    void lateCompletionOfAForgottenPartitionIsIgnored() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Ticket first = tracker.begin(A, 1);
        tracker.forget(List.of(A));
        tracker.complete(first);
        tracker.begin(A, 1);
        assertThat(tracker.committable(Map.of(A, new OffsetAndMetadata(2)))).containsEntry(A, new OffsetAndMetadata(1));
    }

    /** Review D2: the answer of a create of the partition's previous ownership period arrives after the record was handed out again. */
    @Test
    void aLateCompletionOfAnEarlierOwnershipPeriodDoesNotCompleteTheRecordHandedOutAgain() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Ticket earlierPeriod = tracker.begin(A, 1);
        tracker.forget(List.of(A)); // closed: Connect hands record 1 out again, here to the same task
        OffsetTracker.Ticket now = tracker.begin(A, 1);

        tracker.complete(earlierPeriod);
        assertThat(tracker.committable(Map.of(A, new OffsetAndMetadata(2)))).as("the new delivery is still unfinished")
                .containsEntry(A, new OffsetAndMetadata(1));

        tracker.complete(now);
        assertThat(tracker.committable(Map.of(A, new OffsetAndMetadata(2)))).containsEntry(A, new OffsetAndMetadata(2));
    }
}
