package io.ltx2.connect.sink.earlier;

import io.ltx2.connect.sink.create.Submission;
import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.testkit.ScanConsumer;
import io.ltx2.connect.tracking.TrackingFeed;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.TrackedRequest;
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

/**
 * Requests whose earlier create may exist wait for what settles it: the earlier owner's late
 * answer, a WITHDRAWN record, or (callback mode) the task's callback; else they are submitted again.
 */
public class OrphanWatcherTest {
    private static final TopicPartition INPUT = new TopicPartition("requests", 0);
    private static final TopicPartition TRACKING = new TopicPartition("tracking", 0);
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(40);
    private final List<ConsumerRecord<byte[], byte[]>> topic = new ArrayList<>();
    private ScanConsumer consumer;
    private OrphanWatcher watcher;
    private TrackingFeed feed;

    @AfterEach
    void close() {
        if (feed != null) {
            feed.close();
        }
    }

    private OrphanWatcher watcher(boolean callbacks) {
        watcher = new OrphanWatcher(feed = new TrackingFeed("tracking", () -> consumer = new ScanConsumer("tracking", topic), () -> 0L), callbacks, ANSWER_BOUND,
                Duration.ofSeconds(60));
        return watcher;
    }

    private static TrackedRequest tracked(long offset) {
        return new TrackedRequest(new RequestIdentity("sink", "requests", 0, offset), "k", "async", "auto", null, Map.of());
    }

    private static PriorAttempts.Found orphaned(long scanEnd, Attempt... attempts) {
        return new PriorAttempts.Found(PriorAttempts.Verdict.ORPHANED, List.of(attempts), attempts.length, Map.of(TRACKING, scanEnd));
    }

    private static Submission waiting(long offset, PriorAttempts.Found earlier) {
        SinkRequest r = new SinkRequest(tracked(offset).identity(), "k", "auto", null, Map.of());
        RequestLifecycle history = new RequestLifecycle(false);
        earlier.attempts().forEach(history::mayExist);
        return new Submission(null, INPUT, r, 0, null, history, 0);
    }

    private static Submission waiting(RequestIdentity id, PriorAttempts.Found earlier) {
        RequestLifecycle history = new RequestLifecycle(false);
        earlier.attempts().forEach(history::mayExist);
        return new Submission(null, INPUT, new SinkRequest(id, "k", "auto", null, Map.of()), 0, null, history, 0);
    }

    private void append(TrackingRecord r) {
        ConsumerRecord<byte[], byte[]> c = new ConsumerRecord<>("tracking", 0, topic.size(), 1L, TimestampType.CREATE_TIME, -1, -1,
                r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r), new RecordHeaders(), Optional.empty());
        if (consumer == null) {
            topic.add(c);
        } else {
            consumer.append(c);
        }
    }

    @Test
    void callbackModeTheCallbackNamingTheRequestAdoptsItsTask() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 1_000);
        append(TrackingRecord.callback(new RequestIdentity("sink", "requests", 0, 9), "someone-else", 2_000, "success", "{}"));
        append(TrackingRecord.callback(null, "no-identity", 2_000, "success", "{}"));
        assertThat(watcher.poll(2_000)).isEqualTo(OrphanWatcher.Decided.NONE);

        append(TrackingRecord.callback(s.request().identity(), "orphan", 3_000, "success", "{}"));
        OrphanWatcher.Decided d = watcher.poll(3_000);
        assertThat(d.adopted()).containsExactly(new OrphanWatcher.Adopted(s, "orphan", 1, List.of(new Attempt(1, 1_000))));
        assertThat(d.resubmit()).isEmpty();
        assertThat(watcher.waiting()).isZero();
    }

    /** Review D1: in polling mode too, an earlier owner's create that is answered late is not created again. */
    @Test
    void theEarlierOwnersLateAnswerSettlesTheRequestWithoutASecondCreate() {
        watcher(false);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 1_000);
        assertThat(watcher.poll(2_000)).isEqualTo(OrphanWatcher.Decided.NONE);

        append(TrackingRecord.submitted(tracked(4), "t1", 1, List.of(), 3_000));
        OrphanWatcher.Decided d = watcher.poll(3_000);
        assertThat(d.answered()).containsExactly(s);
        assertThat(d.resubmit()).isEmpty();
    }

    /** Review D6: a WITHDRAWN record that comes after the scan is acted on: no wait, no possible charge named. */
    @Test
    void everyOpenAttemptWithdrawnSubmitsAtOnceWithoutNamingThem() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000), new Attempt(2, 1_500));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 2_000);
        append(TrackingRecord.withdrawn(tracked(4), 2, 2_500));
        assertThat(watcher.poll(3_000).resubmit()).as("attempt 1 is still open").isEmpty();

        append(TrackingRecord.withdrawn(tracked(4), 1, 3_500));
        assertThat(watcher.poll(4_000).resubmit()).containsExactly(s);
        assertThat(s.unconfirmed()).isEmpty();
    }

    @Test
    void withoutAnAnswerInTimeTheRequestIsSubmittedAgain() {
        watcher(false);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 10_000);
        assertThat(watcher.poll(49_999).resubmit()).as("the earlier owner's create may be answered until then").isEmpty();
        assertThat(watcher.poll(50_000).resubmit()).containsExactly(s);
    }

    @Test
    void callbackModeWaitsForTheCallbackLongerThanForAnAnswer() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 30_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 31_000);
        assertThat(watcher.poll(89_999).resubmit()).as("until 60 s after the INTENT").isEmpty();
        assertThat(watcher.poll(90_000).resubmit()).containsExactly(s);
    }

    /**
     * A RETRY's new attempt waiting for its task's callback stops waiting once the source is about to give its failed event
     * (its createBy): a task adopted after that event would be reported by nothing.
     */
    @Test
    void aRetrysAttemptStopsWaitingForItsCallbackWhenTheSourceGivesUp() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 30_000));
        Submission s = waiting(4, earlier);
        s.createBy(40_000);
        watcher.await(s, earlier, 31_000);
        assertThat(watcher.poll(40_000).resubmit()).as("until its createBy").isEmpty();
        assertThat(watcher.poll(40_001).resubmit()).as("not the callback wait's 90 s").containsExactly(s);
        assertThat(s.tooLate(40_001)).isTrue();
        assertThat(watcher.waiting()).isZero();
    }

    /**
     * Simulation seed 34444: the request of a recreated input topic and the old topic's request at the same coordinates
     * (its RETRY's new attempt) both wait for their task's callback; each adopts its own task. Keyed by coordinates, the
     * second wait replaced the first, whose request then got neither an adoption nor a rejection.
     */
    @Test
    void requestsOfARecreatedTopicAndOfTheOldOneAtTheSameCoordinatesWaitSideBySide() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission old = waiting(new RequestIdentity("sink", "requests", 0, 4, "id-old"), earlier);
        Submission fresh = waiting(new RequestIdentity("sink", "requests", 0, 4, "id-new"), earlier);
        watcher.await(fresh, earlier, 1_000);
        watcher.await(old, earlier, 1_100);
        assertThat(watcher.waiting()).isEqualTo(2);

        append(TrackingRecord.callback(fresh.request().identity(), "t-new", 2_000, "success", "{}"));
        assertThat(watcher.poll(2_000).adopted()).extracting(OrphanWatcher.Adopted::submission, OrphanWatcher.Adopted::taskId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(fresh, "t-new"));
        append(TrackingRecord.callback(old.request().identity(), "t-old", 3_000, "success", "{}"));
        assertThat(watcher.poll(3_000).adopted()).extracting(OrphanWatcher.Adopted::submission, OrphanWatcher.Adopted::taskId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(old, "t-old"));
        assertThat(watcher.waiting()).isZero();
    }

    /** Review D9: a timeout like Long.MAX_VALUE waits for good instead of wrapping around into the past. */
    @Test
    void aHugeAdoptionTimeoutDoesNotOverflow() {
        watcher = new OrphanWatcher(feed = new TrackingFeed("tracking", () -> consumer = new ScanConsumer("tracking", topic), () -> 0L), true, ANSWER_BOUND,
                Duration.ofMillis(Long.MAX_VALUE));
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 2_000);
        assertThat(watcher.poll(3_000_000_000L).resubmit()).isEmpty();
        assertThat(watcher.waiting()).isEqualTo(1);
    }

    /**
     * Review D5: a request found by an earlier scan than the one the follower started from still
     * sees the callback written between the two scans' ends.
     */
    @Test
    void aRequestOfAnEarlierScanIsFollowedFromThatScansEnd() {
        watcher(true);
        append(TrackingRecord.intent(tracked(4), 1, 1_000)); // 0: what the first scan read
        TrackedRequest other = tracked(8);
        append(TrackingRecord.intent(other, 1, 1_000)); // 1
        append(TrackingRecord.callback(tracked(4).identity(), "t-early", 1_200, "success", "{}")); // 2: after the first scan's end
        // The second scan (another partition's) ended at 3; its request starts the follower there.
        PriorAttempts.Found second = orphaned(3, new Attempt(1, 1_000));
        watcher.await(waiting(8, second), second, 2_000);
        assertThat(watcher.poll(2_000)).isEqualTo(OrphanWatcher.Decided.NONE);

        PriorAttempts.Found first = orphaned(1, new Attempt(1, 1_000));
        Submission s = waiting(4, first);
        watcher.await(s, first, 2_100);
        assertThat(watcher.poll(2_200).adopted()).containsExactly(new OrphanWatcher.Adopted(s, "t-early", 1, List.of(new Attempt(1, 1_000))));
    }

    @Test
    void aRevokedPartitionTakesItsWaitingRequestsAlong() {
        watcher(true);
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 1_000);
        assertThat(watcher.revoked(List.of(INPUT))).containsExactly(s);
        assertThat(watcher.waiting()).isZero();
    }

    /**
     * Issue 24 item 5: a Kafka time-out while the watcher set up its reading (metadata, offsets) escaped put and killed the
     * sink task; a slow tracking cluster delays the wait, the request still waits, and is decided once the cluster answers.
     */
    @Test
    void aTrackingClusterThatDoesNotAnswerDelaysTheWaitAndKillsNothing() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        watcher = new OrphanWatcher(feed = new TrackingFeed("tracking", () -> consumer = new ScanConsumer("tracking", topic) {
            @Override
            public List<org.apache.kafka.common.PartitionInfo> partitionsFor(String t, Duration timeout) {
                if (down.get()) {
                    throw new org.apache.kafka.common.errors.TimeoutException("Timeout expired while fetching topic metadata");
                }
                return super.partitionsFor(t, timeout);
            }
        }, clock::get), false, ANSWER_BOUND, Duration.ofSeconds(60));
        PriorAttempts.Found earlier = orphaned(0, new Attempt(1, 1_000));
        Submission s = waiting(4, earlier);
        watcher.await(s, earlier, 1_000);
        assertThat(watcher.poll(2_000)).isEqualTo(OrphanWatcher.Decided.NONE);
        assertThat(watcher.waiting()).isEqualTo(1);

        down.set(false);
        clock.addAndGet(10_000); // the pause after the time-out is over
        append(TrackingRecord.submitted(tracked(4), "t1", 1, List.of(), 3_000));
        assertThat(watcher.poll(12_000).answered()).containsExactly(s);
    }
}
