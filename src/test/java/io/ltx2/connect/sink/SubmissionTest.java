package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SubmissionTest {
    private static final SinkRequest REQUEST = new SinkRequest(new RequestIdentity("sink", "requests", 0, 1), "k", "auto", null, Map.of());

    @Test
    void attemptsAfterAnAmbiguousFailureJoinTheUnconfirmedOnesAndNumberingGoesOnAfterEarlierOwners() {
        TrackedRequest tracked = new TrackedRequest(REQUEST.identity(), "k", "async", "auto", null, Map.of());
        // An earlier owner's attempt 1 may exist; its attempt 2 never left.
        RequestLifecycle earlier = RequestLifecycle.of(List.of(TrackingRecord.intent(tracked, 1, 10L), TrackingRecord.intent(tracked, 2, 20L),
                TrackingRecord.withdrawn(tracked, 2, 30L)), false);
        Submission s = new Submission(null, new TopicPartition("requests", 0), REQUEST, 0, null, earlier, 0);
        assertThat(s.sent()).isFalse();

        Attempt third = s.nextAttempt(100L);
        assertThat(third).isEqualTo(new Attempt(3, 100L));
        assertThat(s.sent()).isTrue();
        assertThat(s.unconfirmed()).containsExactly(new Attempt(1, 10L));

        Attempt fourth = s.nextAttempt(200L); // the third may have created a task
        assertThat(fourth.number()).isEqualTo(4);
        assertThat(s.unconfirmed()).containsExactly(new Attempt(1, 10L), third);
        assertThat(s.unconfirmedWithCurrent()).containsExactly(new Attempt(1, 10L), third, fourth);
    }
}
