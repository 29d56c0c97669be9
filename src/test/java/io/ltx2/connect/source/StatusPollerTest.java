package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class StatusPollerTest {
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, 1L, null);

    private final List<String> called = new ArrayList<>();
    private final Map<String, CompletableFuture<TaskStatus>> calls = new HashMap<>();
    private final StatusPoller poller = new StatusPoller(taskId -> {
        called.add(taskId);
        return calls.computeIfAbsent(taskId, k -> new CompletableFuture<>());
    }, 2);

    private static FollowedTask task(String taskId) {
        RequestIdentity id = RequestIdentity.of("sink", new SourceCoordinates("in", 0, taskId.hashCode() & 0xffff));
        TrackedRequest r = new TrackedRequest(id, "req", "async", "auto", INPUT, Map.of());
        return new FollowedTask(id, taskId, TrackingRecord.submitted(r, taskId, 1, List.of(), 0L), 1, false, 0L);
    }

    @Test
    void callsGoOutInTheOrderTheyAreDueAndOnlyWhenDue() {
        FollowedTask late = task("late");
        FollowedTask early = task("early");
        poller.schedule(late, 200);
        poller.schedule(early, 100);
        assertThat(poller.dispatchDue(99)).isZero();
        assertThat(poller.waitMillis(40)).as("until the first is due").isEqualTo(60);
        assertThat(poller.dispatchDue(250)).isEqualTo(2);
        assertThat(called).containsExactly("early", "late");
        assertThat(early.lastCallAt).isEqualTo(250);
        assertThat(early.polls).isEqualTo(1);
    }

    @Test
    void atMostTheConcurrencyLimitIsOnTheWireAndAnswersComeBackThroughTheQueue() {
        FollowedTask a = task("a");
        FollowedTask b = task("b");
        FollowedTask c = task("c");
        poller.schedule(a, 0);
        poller.schedule(b, 0);
        poller.schedule(c, 0);
        assertThat(poller.dispatchDue(10)).isEqualTo(2);
        assertThat(poller.inFlight()).isEqualTo(2);
        assertThat(poller.queued()).isEqualTo(1);
        assertThat(a.inFlight).isTrue();

        calls.get("a").complete(new TaskStatus("a", TaskState.SUCCESS, "success", List.of(), null, null, 1L, 2L, 1L));
        calls.get("b").completeExceptionally(new RuntimeException("boom"));
        List<StatusPoller.Answer> answers = poller.drain();
        assertThat(answers).extracting(x -> x.task().taskId).containsExactlyInAnyOrder("a", "b");
        assertThat(answers).filteredOn(x -> x.error() != null).extracting(x -> x.task().taskId).containsExactly("b");
        assertThat(a.inFlight).isFalse();
        assertThat(poller.inFlight()).isZero();
        assertThat(poller.dispatchDue(20)).isEqualTo(1);
        assertThat(called).containsExactly("a", "b", "c");
    }

    @Test
    void aCancelledOrRescheduledTaskIsCalledOnlyAsItsLatestPlanSays() {
        FollowedTask t = task("t");
        poller.schedule(t, 100);
        poller.schedule(t, 500);
        assertThat(poller.queued()).isEqualTo(1);
        assertThat(poller.dispatchDue(200)).isZero();
        poller.cancel(t);
        assertThat(poller.dispatchDue(1_000)).isZero();
        assertThat(called).isEmpty();
    }

    @Test
    void callsDueWithinTheSlackGoOutTogetherAndOnlyWhileTheRateLimitHasPermits() {
        long[] permitWait = {0};
        StatusPoller batched = new StatusPoller(taskId -> {
            called.add(taskId);
            return new CompletableFuture<>();
        }, 10, () -> permitWait[0], 100);
        FollowedTask a = task("a");
        FollowedTask b = task("b");
        FollowedTask c = task("c");
        batched.schedule(a, 1_000);
        batched.schedule(b, 1_080);
        batched.schedule(c, 1_200);
        assertThat(batched.waitMillis(900)).as("until the first is due").isEqualTo(100);
        assertThat(batched.dispatchDue(1_000)).as("a, and b that is due within the slack").isEqualTo(2);
        assertThat(called).containsExactly("a", "b");
        assertThat(batched.waitMillis(1_000)).as("answers are awaited at most the linger").isEqualTo(100);

        permitWait[0] = 30;
        assertThat(batched.dispatchDue(1_300)).as("no permit: c waits here, not in the client").isZero();
        assertThat(batched.queued()).isEqualTo(1);
        assertThat(batched.waitMillis(1_300)).as("while permits are short, at least the slack, so that they add up").isEqualTo(100);
        permitWait[0] = 0;
        assertThat(batched.dispatchDue(1_400)).isEqualTo(1);
        assertThat(called).containsExactly("a", "b", "c");
    }

    @Test
    void theLastAnswerOnTheWireOrAConfirmationWakesTheTaskThread() {
        int[] wakes = {0};
        Map<String, CompletableFuture<TaskStatus>> out = new HashMap<>();
        StatusPoller batched = new StatusPoller(taskId -> out.computeIfAbsent(taskId, k -> new CompletableFuture<>()), 10, () -> 0, 200);
        batched.wakeWith(() -> wakes[0]++);
        FollowedTask a = task("a");
        FollowedTask b = task("b");
        batched.schedule(a, 0);
        batched.schedule(b, 0);
        batched.dispatchDue(0);
        assertThat(batched.waitMillis(0)).as("the linger").isEqualTo(StatusPoller.MAX_LINGER_MS);
        out.get("a").complete(status("a"));
        assertThat(wakes[0]).as("b is still on the wire").isZero();
        out.get("b").complete(status("b"));
        assertThat(wakes[0]).as("the last answer wakes the thread").isEqualTo(1);
        assertThat(batched.waitMillis(0)).as("answers to handle").isZero();
        assertThat(batched.drain()).hasSize(2);

        FollowedTask c = task("c");
        out.clear();
        batched.schedule(a, 10);
        batched.scheduleUrgent(c, 10);
        batched.dispatchDue(10);
        assertThat(batched.waitMillis(10)).isEqualTo(StatusPoller.MAX_LINGER_MS);
        out.remove("c").complete(status("c"));
        assertThat(wakes[0]).as("a confirmation's answer wakes the thread at once").isEqualTo(2);
        assertThat(c.urgent).isFalse();
    }

    @Test
    void theCallAtATasksDeadlineNeverGoesEarly() {
        StatusPoller batched = new StatusPoller(taskId -> {
            called.add(taskId);
            return new CompletableFuture<>();
        }, 10, () -> 0, 100);
        FollowedTask last = task("last");
        last.deadline = 1_000;
        FollowedTask ordinary = task("ordinary");
        batched.schedule(last, 1_000);
        assertThat(batched.dispatchDue(950)).as("within the slack, but its answer would not be final").isZero();
        assertThat(batched.waitMillis(950)).as("until the deadline").isEqualTo(50);
        assertThat(batched.dispatchDue(1_000)).isEqualTo(1);
        assertThat(last.lastCallAt).isGreaterThanOrEqualTo(last.deadline);
        batched.schedule(ordinary, 2_000);
        assertThat(batched.dispatchDue(1_950)).as("an ordinary call still goes within the slack").isEqualTo(1);
        assertThat(called).containsExactly("last", "ordinary");
    }

    private static TaskStatus status(String taskId) {
        return new TaskStatus(taskId, TaskState.PROCESSING, "processing", List.of(), null, null, 1L, null, null);
    }
}
