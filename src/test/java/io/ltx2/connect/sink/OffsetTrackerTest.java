package io.ltx2.connect.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final TopicPartition A = new TopicPartition("requests", 0);
    private static final TopicPartition B = new TopicPartition("requests", 1);

    @Test
    void commitsOnlyBelowTheOldestUnfinishedRecordWhenCompletionsArriveOutOfOrder() {
        OffsetTracker tracker = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            tracker.begin(A, o);
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(A, new OffsetAndMetadata(15));

        tracker.complete(A, 12);
        tracker.complete(A, 14);
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(10));

        tracker.complete(A, 10);
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(11));

        tracker.complete(A, 11);
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(13));

        tracker.complete(A, 13);
        assertThat(tracker.committable(consumed)).containsEntry(A, new OffsetAndMetadata(15));
        assertThat(tracker.pendingCount()).isZero();
    }

    @Test
    void partitionsAreIndependentAndUntrackedOnesCommitWhatWasConsumed() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.begin(A, 5);
        tracker.begin(B, 7);
        tracker.complete(B, 7);
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(A, new OffsetAndMetadata(6), B, new OffsetAndMetadata(8),
                new TopicPartition("other", 0), new OffsetAndMetadata(3));
        assertThat(tracker.committable(consumed)).containsExactlyInAnyOrderEntriesOf(Map.of(
                A, new OffsetAndMetadata(5), B, new OffsetAndMetadata(8), new TopicPartition("other", 0), new OffsetAndMetadata(3)));
    }

    @Test
    void lateCompletionOfAForgottenPartitionIsIgnored() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.begin(A, 1);
        tracker.forget(List.of(A));
        tracker.complete(A, 1);
        tracker.begin(A, 1);
        assertThat(tracker.committable(Map.of(A, new OffsetAndMetadata(2)))).containsEntry(A, new OffsetAndMetadata(1));
    }
}
