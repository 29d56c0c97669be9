package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The source's guarantee bookkeeping, record by record, with the polling and the output replaced by recorders. */
class RequestRegistryTest {
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final long T0 = 1_700_000_000_000L;
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "A fox", "480p", 5, "16:9", null, 1L, null);

    private final Following following = new Following();
    private final Output output = new Output();
    private final SourceTaskMetrics metrics = SourceTaskMetrics.register("registry-test-" + RUN.incrementAndGet(), 0,
            new ApiClientStats(), () -> 0, () -> false);
    private final RequestRegistry registry = new RequestRegistry(TIMEOUT, following, output, metrics);
    private long nextOffset;

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /** Records the registry's calls; {@code trust} makes every callback body decide (as with ltx.callback.confirm=false). */
    private static final class Following implements RequestRegistry.Following {
        final List<FollowedTask> followed = new ArrayList<>();
        final List<FollowedTask> confirmed = new ArrayList<>();
        final List<FollowedTask> unfollowed = new ArrayList<>();
        Outcome trust;

        @Override
        public void follow(FollowedTask task, long now) {
            followed.add(task);
        }

        @Override
        public Optional<Outcome> confirm(FollowedTask task, TrackingRecord callback, long now) {
            confirmed.add(task);
            return callback == null ? Optional.empty() : Optional.ofNullable(trust);
        }

        @Override
        public void unfollow(FollowedTask task) {
            unfollowed.add(task);
        }

        FollowedTask task(String taskId) {
            return followed.stream().filter(t -> t.taskId.equals(taskId)).findFirst().orElseThrow();
        }
    }

    private record Emitted(int partition, Struct event, RequestFacts facts) {
    }

    private static final class Output implements RequestRegistry.Output {
        final List<TrackingOffset> resolved = new ArrayList<>();
        final List<Emitted> events = new ArrayList<>();

        @Override
        public void resolve(TrackingOffset at) {
            resolved.add(at);
        }

        @Override
        public void emit(int partition, Struct event, RequestFacts facts) {
            events.add(new Emitted(partition, event, facts));
        }

        List<Long> resolvedOffsets() {
            return resolved.stream().map(TrackingOffset::offset).sorted().toList();
        }
    }

    private static RequestIdentity identity(long sourceOffset) {
        return new RequestIdentity("sink", "requests", 0, sourceOffset);
    }

    private static TrackedRequest request(String requestId, long sourceOffset) {
        return new TrackedRequest(identity(sourceOffset), requestId, "async", "auto", INPUT, Map.of("traceparent", "00-abc-01"));
    }

    /** Feeds the record at the next tracking offset of partition 0; returns that offset. */
    private long read(TrackingRecord r, long now) {
        long offset = nextOffset++;
        registry.onRecord(TrackingReader.Read.of("tracking", new TrackingOffset(0, offset), r), now);
        return offset;
    }

    private static TrackingRecord intent(TrackedRequest r, int attempt, long time) {
        return TrackingRecord.intent(r, attempt, time);
    }

    private static TrackingRecord submitted(TrackedRequest r, String taskId, int attempt, List<Attempt> earlier) {
        return TrackingRecord.submitted(r, taskId, attempt, earlier, T0 + attempt);
    }

    private static Outcome success(String taskId) {
        return Outcome.of(new TaskStatus(taskId, TaskState.SUCCESS, "success", List.of("https://v/" + taskId + ".mp4"), null, null,
                T0 + 10, T0 + 60_000, 59_990L));
    }

    private void complete(String taskId) {
        registry.complete(following.task(taskId), success(taskId), T0 + 61_000);
    }

    /**
     * Issue 24 item 2 (found by the protocol simulation, seed 12): a request of a recreated input topic, at the coordinates
     * of one whose event is out, was skipped as that one (no event, its task followed by nobody).
     */
    @Test
    void aRequestOfARecreatedTopicAtTheCoordinatesOfAResolvedOneGetsItsOwnEvent() {
        TrackedRequest before = new TrackedRequest(identity(5).withTopicId("topic-id-1"), "r", "async", "auto", INPUT, Map.of());
        TrackedRequest after = new TrackedRequest(identity(5).withTopicId("topic-id-2"), "r", "async", "auto", INPUT, Map.of());
        read(submitted(before, "task-old", 1, List.of()), T0);
        complete("task-old");
        read(intent(after, 1, T0 + 5), T0 + 5);
        read(submitted(after, "task-new", 1, List.of()), T0 + 5);
        complete("task-new");
        assertThat(output.events).extracting(e -> e.event().getString("taskId")).containsExactly("task-old", "task-new");
    }

    @Test
    void requestsThatShareARequestIdAndHaveNoKeyAreSeparateRequestsWithAnEventEach() {
        // The issue: 7 requests keyed by 2 users, no request_id, gave 2 events. Each record is a request.
        for (int i = 0; i < 7; i++) {
            read(submitted(request(i % 2 == 0 ? "user-a" : "user-b", 100 + i), "task-" + i, 1, List.of()), T0);
        }
        assertThat(following.followed).hasSize(7);
        for (int i = 0; i < 7; i++) {
            complete("task-" + i);
        }
        assertThat(output.events).hasSize(7);
        assertThat(output.events).extracting(e -> e.event().getString("taskId")).doesNotHaveDuplicates().hasSize(7);
        assertThat(output.events).extracting(e -> e.event().getString("requestId")).containsOnly("user-a", "user-b");
        assertThat(output.events).extracting(e -> e.facts().identity()).doesNotHaveDuplicates();
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(metrics.value("duplicate-tasks-total")).isZero();
        assertThat(registry.outstanding()).isZero();
    }

    @Test
    void aSecondTaskForOneRequestIsFollowedTooAndTheFirstOutcomeGivesTheOnlyEvent() {
        TrackedRequest r = request("req", 5);
        read(intent(r, 1, T0), T0);
        read(submitted(r, "task-1", 1, List.of()), T0);
        read(intent(r, 2, T0 + 5), T0 + 5);
        read(submitted(r, "task-2", 2, List.of()), T0 + 5); // a zombie create after a rebalance
        assertThat(following.followed).extracting(t -> t.taskId).containsExactly("task-1", "task-2");
        assertThat(metrics.value("duplicate-tasks-total")).isEqualTo(1.0);

        complete("task-2");
        complete("task-1"); // too late: the request's event is out
        assertThat(output.events).hasSize(1);
        Struct event = output.events.get(0).event();
        assertThat(event.getString("taskId")).isEqualTo("task-2");
        assertThat(event.getInt32("attempt")).isEqualTo(2);
        assertThat(event.getInt32("earlierAttempts")).as("attempt 1 made task-1: created and billed too").isEqualTo(1);
        assertThat(event.<String>getArray("otherTaskIds")).containsExactly("task-1");
        assertThat(following.unfollowed).extracting(t -> t.taskId).containsExactlyInAnyOrder("task-1", "task-2");
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void anEventNamesEveryOtherAttemptAndTaskOfItsRequestAboveOrBelowTheOneItReports() {
        // After a rebalance the sink's next owner resubmitted the request as attempt 2; then the old owner's late create
        // answer wrote SUBMITTED for attempt 1. Both tasks were created, and billed; attempt 1's finishes first.
        TrackedRequest r = request("req-rebalanced", 15);
        read(intent(r, 1, T0), T0);
        read(intent(r, 2, T0 + 1_000), T0 + 1_000);
        read(submitted(r, "task-2", 2, List.of(new Attempt(1, T0))), T0 + 1_100);
        read(submitted(r, "task-1", 1, List.of()), T0 + 1_200);
        read(TrackingRecord.callback(r.identity(), "task-orphan", T0 + 1_300, "success", "{}"), T0 + 1_300);
        complete("task-1");

        assertThat(output.events).hasSize(1);
        Struct event = output.events.get(0).event();
        RequestFacts facts = output.events.get(0).facts();
        assertThat(event.getString("taskId")).isEqualTo("task-1");
        assertThat(event.getInt32("attempt")).isEqualTo(1);
        assertThat(event.getInt32("earlierAttempts")).as("attempt 2, above the reported one, made task-2").isEqualTo(1);
        assertThat(facts.earlierAttempts()).containsExactly(new Attempt(2, T0 + 1_000));
        assertThat(event.<String>getArray("otherTaskIds")).containsExactly("task-2", "task-orphan");
        assertThat(EventFactory.headers(facts).lastWithName("ltx.other.task.ids").value()).isEqualTo("task-2,task-orphan");
    }

    @Test
    void anIntentAboveTheReportedAttemptWithoutSubmittedRecordIsNamed() {
        TrackedRequest r = request("req-still-out", 16);
        read(intent(r, 1, T0), T0);
        read(submitted(r, "task-1", 1, List.of()), T0 + 100);
        read(intent(r, 2, T0 + 1_000), T0 + 1_000); // a second create went out (a rebalance), its answer never recorded
        complete("task-1");
        Struct event = output.events.get(0).event();
        assertThat(event.getInt32("earlierAttempts")).isEqualTo(1);
        assertThat(output.events.get(0).facts().earlierAttempts()).containsExactly(new Attempt(2, T0 + 1_000));
        assertThat(event.getArray("otherTaskIds")).as("no other task id is known").isNull();
    }

    @Test
    void theOutstandingRequestsHoldingRecordsBelowAnOffsetCanBeNamed() {
        read(intent(request("req-low", 30), 1, T0), T0);                       // offset 0
        read(submitted(request("req-high", 31), "task-high", 1, List.of()), T0); // offset 1
        assertThat(registry.heldBelow(0, 1)).containsExactly(identity(30));
        assertThat(registry.heldBelow(0, 2)).containsExactlyInAnyOrder(identity(30), identity(31));
        assertThat(registry.heldBelow(1, 2)).as("another partition").isEmpty();
    }

    /**
     * The sink adopts a task its create never got an answer for, once the task called back; the source follows the task the
     * sink's adopted SUBMITTED record names, confirmed at once by the callback read before it. The source adopts nothing by
     * itself (issue 24: two owners of one decision gave two events once the sink's record came after the first).
     */
    @Test
    void aTaskTheSinkAdoptedIsFollowedFromItsRecordAndConfirmedByTheCallbackReadBefore() {
        TrackedRequest r = request("req-adopt", 9);
        read(intent(r, 1, T0), T0);              // the create went out; the worker died before SUBMITTED
        read(intent(r, 2, T0 + 1_000), T0 + 1_000); // again, after a restart: still no answer recorded
        read(TrackingRecord.callback(r.identity(), "orphan-task", T0 + 60_000, "success", "{}"), T0 + 60_000);
        assertThat(following.followed).as("the sink decides: adopt, or create").isEmpty();

        read(TrackingRecord.adopted(r, "orphan-task", 2, List.of(new Attempt(1, T0)), T0 + 60_100), T0 + 60_100);
        FollowedTask adopted = following.task("orphan-task");
        assertThat(adopted.adopted()).isTrue();
        assertThat(adopted.attempt()).isEqualTo(2);
        assertThat(following.confirmed).as("confirmed at once, with the callback").containsExactly(adopted);
        assertThat(metrics.value("adopted-total")).isEqualTo(1.0);
        assertThat(output.events).isEmpty();

        registry.complete(adopted, success("orphan-task"), T0 + 61_000);
        assertThat(output.events).hasSize(1);
        Struct event = output.events.get(0).event();
        assertThat(event.getString("requestId")).isEqualTo("req-adopt");
        assertThat(event.getString("taskId")).isEqualTo("orphan-task");
        assertThat(event.getBoolean("adopted")).isTrue();
        assertThat(event.getInt32("attempt")).isEqualTo(2);
        assertThat(event.getInt32("earlierAttempts")).isEqualTo(1);
        assertThat(event.getInt64("submitTime")).as("its INTENT's time").isEqualTo(T0 + 1_000);
        assertThat(output.events.get(0).facts().earlierAttempts()).containsExactly(new Attempt(1, T0));
        assertThat(output.events.get(0).facts().headers()).containsEntry("traceparent", "00-abc-01");
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aWithdrawnAttemptIsNoPossibleCharge() {
        TrackedRequest r = request("req-withdrawn", 6);
        read(intent(r, 1, T0), T0);
        read(TrackingRecord.withdrawn(r, 1, T0 + 10), T0 + 10); // its partition moved while the create waited to retry a 503
        read(intent(r, 2, T0 + 1_000), T0 + 1_000);
        read(submitted(r, "task-2", 2, List.of()), T0 + 1_100);
        complete("task-2");

        Struct event = output.events.get(0).event();
        assertThat(event.getInt32("attempt")).isEqualTo(2);
        assertThat(event.getInt32("earlierAttempts")).as("none").isNull();
        assertThat(output.resolved).as("every record of the request resolves with it").hasSize(4);
    }

    @Test
    void aWithdrawnAttemptAloneIsLetGoAfterTheTimeOut() {
        TrackedRequest r = request("req-withdrawn-only", 7);
        read(intent(r, 1, T0), T0);
        read(TrackingRecord.withdrawn(r, 1, T0 + 10), T0 + 10);
        assertThat(registry.expireIntents(T0 + TIMEOUT.toMillis() + 20)).isEqualTo(1);
        assertThat(output.events).isEmpty();
        assertThat(output.resolved).hasSize(2);
    }

    @Test
    void aTaskAdoptedForARequestKnownOnlyByAWithdrawnRecordIsFollowed() {
        TrackedRequest r = request("req-withdrawn-callback", 19);
        // Its INTENT was resolved before a restart (or fell below the watermark): only the WITHDRAWN record is read.
        read(TrackingRecord.withdrawn(r, 2, T0 + 10), T0 + 10);
        read(TrackingRecord.callback(r.identity(), "task-w", T0 + 60_000, "success", "{}"), T0 + 60_000);
        read(TrackingRecord.adopted(r, "task-w", null, List.of(), T0 + 60_050), T0 + 60_050);

        FollowedTask adopted = following.task("task-w");
        assertThat(adopted.adopted()).isTrue();
        assertThat(adopted.attempt()).as("unknown: the one attempt known never reached the API").isNull();
        assertThat(following.confirmed).containsExactly(adopted);
        registry.complete(adopted, success("task-w"), T0 + 61_000);
        assertThat(output.events).hasSize(1);
        Struct event = output.events.get(0).event();
        assertThat(event.getString("taskId")).isEqualTo("task-w");
        assertThat(event.getBoolean("adopted")).isTrue();
        assertThat(event.getInt32("earlierAttempts")).isNull();
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void anAdoptedTaskWhoseSubmittedRecordComesAfterAllIsAnOrdinaryTask() {
        TrackedRequest r = request("req-fast", 3);
        read(intent(r, 1, T0), T0);
        read(TrackingRecord.callback(r.identity(), "task-fast", T0 + 10, "success", "{}"), T0 + 10); // the API was faster than the sink
        read(submitted(r, "task-fast", 1, List.of()), T0 + 20);
        assertThat(following.followed).hasSize(1);
        complete("task-fast");
        Struct event = output.events.get(0).event();
        assertThat(event.getBoolean("adopted")).isFalse();
        assertThat(event.getInt32("attempt")).isEqualTo(1);
        assertThat(metrics.value("duplicate-tasks-total")).isZero();
    }

    @Test
    void aDryRunEventIsNotRememberedSoTheRealSubmissionOfTheSameRecordGetsItsOwnEvent() {
        TrackedRequest r = request("req-preview", 4);
        read(TrackingRecord.rejected(r, FailCodes.DRY_RUN, "would be submitted", List.of(), T0), T0);
        assertThat(output.events).hasSize(1);
        assertThat(output.events.get(0).event().getString("state")).isEqualTo("rejected");
        assertThat(output.events.get(0).event().getString("failCode")).isEqualTo("DRY_RUN");

        // Dry run off, the sink's offsets reset: the same record is read and submitted for real.
        read(intent(r, 1, T0 + 100), T0 + 100);
        read(submitted(r, "task-real", 1, List.of()), T0 + 100);
        assertThat(following.followed).extracting(t -> t.taskId).containsExactly("task-real");
        complete("task-real");
        assertThat(output.events).hasSize(2);
        assertThat(output.events.get(1).event().getString("state")).isEqualTo("success");
        assertThat(output.events.get(1).event().getString("taskId")).isEqualTo("task-real");
    }

    @Test
    void aRealRejectionIsRememberedAndARecordOfTheRequestReadAgainIsSkipped() {
        TrackedRequest r = request("req-bad", 6);
        read(TrackingRecord.rejected(r, "INVALID_REQUEST", "prompt: empty", List.of(), T0), T0);
        read(TrackingRecord.rejected(r, "INVALID_REQUEST", "prompt: empty", List.of(), T0 + 1), T0 + 1);
        assertThat(output.events).hasSize(1);
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L);
    }

    @Test
    void aRejectedRecordOfARequestThatFollowsATaskIsHeldAndTheTaskDecides() {
        TrackedRequest r = request("req-held", 7);
        read(intent(r, 1, T0), T0);
        read(submitted(r, "task-7", 1, List.of()), T0);
        read(TrackingRecord.rejected(r, "SUBMIT_FAILED", "gave up", List.of(new Attempt(2, T0 + 50)), T0 + 60), T0 + 60);
        assertThat(output.events).isEmpty();
        assertThat(output.resolvedOffsets()).isEmpty();
        assertThat(registry.outstanding()).isEqualTo(1);

        complete("task-7");
        assertThat(output.events).hasSize(1);
        Struct event = output.events.get(0).event();
        assertThat(event.getString("state")).isEqualTo("success");
        assertThat(event.getInt32("earlierAttempts")).as("what the REJECTED record named counts too").isEqualTo(1);
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void intentsAloneForTheTaskTimeoutAreReleasedWithoutAnEvent() {
        TrackedRequest r = request("req-lost", 8);
        read(intent(r, 1, T0), T0);
        assertThat(registry.expireIntents(T0 + TIMEOUT.toMillis() - 1)).isZero();
        assertThat(output.resolved).isEmpty();

        assertThat(registry.expireIntents(T0 + TIMEOUT.toMillis())).isEqualTo(1);
        assertThat(output.resolvedOffsets()).containsExactly(0L);
        assertThat(output.events).isEmpty();
        assertThat(metrics.value("intents-expired-total")).isEqualTo(1.0);
        assertThat(registry.outstanding()).isZero();

        // Not remembered as resolved: the sink handles the record again and its submission is followed.
        read(intent(r, 2, T0 + TIMEOUT.toMillis() + 5), T0 + TIMEOUT.toMillis() + 5);
        read(submitted(r, "task-again", 2, List.of(new Attempt(1, T0))), T0 + TIMEOUT.toMillis() + 5);
        complete("task-again");
        assertThat(output.events).hasSize(1);
        assertThat(output.events.get(0).event().getInt32("earlierAttempts")).isEqualTo(1);
    }

    @Test
    void aTaskTimeoutOfLongMaxValueNeverLetsIntentsGoInsteadOfOverflowing() {
        RequestRegistry forever = new RequestRegistry(Duration.ofMillis(Long.MAX_VALUE), following, output, metrics);
        forever.onRecord(TrackingReader.Read.of("tracking", new TrackingOffset(0, 0), intent(request("req-intent", 17), 1, T0)), T0);
        TrackedRequest withdrawn = request("req-withdrawn-forever", 18);
        forever.onRecord(TrackingReader.Read.of("tracking", new TrackingOffset(0, 1), TrackingRecord.withdrawn(withdrawn, 1, T0)), T0);
        assertThat(forever.expireIntents(T0 + 1)).isZero();
        assertThat(forever.expireIntents(T0 + TIMEOUT.toMillis() * 1_000)).isZero();
        assertThat(forever.outstanding()).isEqualTo(2);
    }

    @Test
    void anIntentReadLateStillWaitsAFullTimeoutFromWhenItWasRead() {
        TrackedRequest r = request("req-backlog", 10);
        long readAt = T0 + TIMEOUT.toMillis() * 2; // a backlog: the INTENT was written long ago
        read(intent(r, 1, T0), readAt);
        assertThat(registry.expireIntents(readAt + 1)).isZero();
        read(submitted(r, "task-b", 1, List.of()), readAt + 2);
        assertThat(registry.expireIntents(readAt + TIMEOUT.toMillis() * 3)).as("it has a task now").isZero();
    }

    @Test
    void lateRecordsOfAResolvedRequestAreSkippedAndASecondTaskIsCountedOnce() {
        TrackedRequest r = request("req-once", 11);
        read(submitted(r, "task-a", 1, List.of()), T0);
        complete("task-a");
        read(submitted(r, "task-a", 1, List.of()), T0 + 1);     // the same record written again
        read(submitted(r, "task-b", 2, List.of()), T0 + 2);     // a second create after the event
        read(TrackingRecord.callback(r.identity(), "task-b", T0 + 3, "success", "{}"), T0 + 3);
        read(TrackingRecord.callback(r.identity(), "task-a", T0 + 4, "success", "{}"), T0 + 4);
        assertThat(following.followed).hasSize(1);
        assertThat(output.events).hasSize(1);
        assertThat(metrics.value("duplicate-tasks-total")).isEqualTo(1.0);
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aCallbackOfAnotherTaskThanTheFollowedOneIsAnOrphanCountedOnceAndHeld() {
        TrackedRequest r = request("req-orphan", 12);
        read(submitted(r, "task-main", 1, List.of()), T0);
        read(TrackingRecord.callback(r.identity(), "task-orphan", T0 + 5, "success", "{}"), T0 + 5);
        read(TrackingRecord.callback(r.identity(), "task-orphan", T0 + 35, "success", "{}"), T0 + 35); // the API's retry
        assertThat(following.followed).extracting(t -> t.taskId).containsExactly("task-main");
        assertThat(following.confirmed).isEmpty();
        assertThat(metrics.value("duplicate-tasks-total")).isEqualTo(1.0);
        assertThat(output.resolved).isEmpty();
        complete("task-main");
        assertThat(output.resolvedOffsets()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aCallbackOfTheFollowedTaskConfirmsItAndATrustedBodyDecidesAtOnce() {
        TrackedRequest r = request("req-cb", 13);
        read(submitted(r, "task-cb", 1, List.of()), T0);
        read(TrackingRecord.callback(r.identity(), "task-cb", T0 + 5, "success", "{}"), T0 + 5);
        assertThat(following.confirmed).extracting(t -> t.taskId).containsExactly("task-cb");
        assertThat(output.events).isEmpty();

        following.trust = success("task-trusted");
        TrackedRequest other = request("req-trusted", 14);
        read(submitted(other, "task-trusted", 1, List.of()), T0);
        read(TrackingRecord.callback(other.identity(), "task-trusted", T0 + 5, "success", "{}"), T0 + 5);
        assertThat(output.events).extracting(e -> e.event().getString("requestId")).containsExactly("req-trusted");
        assertThat(metrics.value("callbacks-read-total")).isEqualTo(2.0);
    }

    @Test
    void aReusedSubmittedRecordIsAnOrdinaryFollowedTask() {
        read(submitted(request("req-first", 20), "task-shared", 1, List.of()), T0);
        read(TrackingRecord.reused(request("req-reuser", 21), "task-shared", T0 + 1), T0 + 1);
        assertThat(following.followed).extracting(t -> t.identity).containsExactly(identity(20), identity(21));
        following.followed.forEach(t -> registry.complete(t, success("task-shared"), T0 + 61_000));
        assertThat(output.events).extracting(e -> e.event().getString("requestId")).containsExactly("req-first", "req-reuser");
        assertThat(output.events.get(1).event().getInt32("attempt")).isNull();
        assertThat(metrics.value("duplicate-tasks-total")).isZero();
    }

    @Test
    void versionOneRecordsAndCallbacksWithoutIdentityStillWork() {
        SourceCoordinates a = new SourceCoordinates("requests", 1, 40);
        SourceCoordinates b = new SourceCoordinates("requests", 1, 41);
        read(v1(TrackingRecordType.SUBMITTED, "same-id", "v1-a", a), T0);
        read(v1(TrackingRecordType.SUBMITTED, "same-id", "v1-b", b), T0);
        assertThat(following.followed).extracting(t -> t.identity)
                .containsExactly(new RequestIdentity("", "requests", 1, 40), new RequestIdentity("", "requests", 1, 41));

        // A callback URL without rid: matched by task id, held with the task.
        long cb = read(TrackingRecord.callback(null, "v1-a", T0 + 5, "success", "{}"), T0 + 5);
        assertThat(following.confirmed).extracting(t -> t.taskId).containsExactly("v1-a");
        assertThat(output.resolved).isEmpty();
        complete("v1-a");
        assertThat(output.resolvedOffsets()).containsExactly(0L, cb);

        // One read before its SUBMITTED record: resolved at once, and it confirms the task when that comes.
        long early = read(TrackingRecord.callback(null, "v1-c", T0 + 6, "success", "{}"), T0 + 6);
        assertThat(output.resolvedOffsets()).contains(early);
        read(v1(TrackingRecordType.SUBMITTED, "other", "v1-c", new SourceCoordinates("requests", 1, 42)), T0 + 7);
        assertThat(following.confirmed).extracting(t -> t.taskId).containsExactly("v1-a", "v1-c");

        read(v1(TrackingRecordType.REJECTED, null, null, new SourceCoordinates("requests", 1, 43)), T0 + 8);
        Struct rejected = output.events.get(output.events.size() - 1).event();
        assertThat(rejected.getString("state")).isEqualTo("rejected");
        assertThat(rejected.getString("requestId")).isEqualTo("requests-1-43");
        assertThat(rejected.getString("failCode")).isEqualTo("INVALID_REQUEST");
    }

    /** Issue 20: a refusal by the API keeps its HTTP status and detail on the event. */
    @Test
    void aRefusalByTheApiCarriesItsStatusAndDetail() {
        read(TrackingRecord.refused(request("refused", 5), "SensitiveContentDetected", "content refused", 403, "prompt flagged", List.of(),
                T0), T0);
        Struct event = output.events.get(0).event();
        assertThat(event.getString("failCode")).isEqualTo("SensitiveContentDetected");
        assertThat(event.getInt32("httpStatus")).isEqualTo(403);
        assertThat(event.getString("failDetail")).isEqualTo("prompt flagged");
    }

    /**
     * Review D8: the source let an INTENT-only request go (its time-out is shorter than the sink's
     * adoption wait) and dropped the callback; the sink's SUBMITTED record of the adopted task
     * brings it back, and its event says adopted.
     */
    @Test
    void theSinksRecordOfAnAdoptedTaskIsFollowedEvenAfterItsIntentWasLetGo() {
        TrackedRequest r = request("late-adoption", 6);
        read(intent(r, 1, T0), T0);
        registry.expireIntents(T0 + TIMEOUT.toMillis());
        read(TrackingRecord.callback(r.identity(), "t-orphan", T0 + TIMEOUT.toMillis() + 1, "success", "{}"), T0 + TIMEOUT.toMillis() + 1);
        assertThat(output.events).isEmpty();
        read(TrackingRecord.adopted(r, "t-orphan", 1, List.of(), T0 + TIMEOUT.toMillis() + 2), T0 + TIMEOUT.toMillis() + 2);
        complete("t-orphan");
        assertThat(output.events).singleElement().satisfies(e -> {
            assertThat(e.event().getString("taskId")).isEqualTo("t-orphan");
            assertThat(e.event().getBoolean("adopted")).isTrue();
            assertThat(e.event().getString("state")).isEqualTo("success");
        });
    }

    private static TrackingRecord v1(TrackingRecordType type, String requestId, String taskId, SourceCoordinates source) {
        return new TrackingRecord(1, type, null, requestId, taskId, T0, source, null, null, null, null, "async", "auto", INPUT,
                new HashMap<>(), null, null, null, null, null, null, null, null, null);
    }
}
