package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wiring of planner, poller and rules: a task is called when planned, and its answer becomes an outcome or another call. */
class TaskFollowerTest {
    private static final long SUBMIT = 1_000_000L;
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, 1L, null);

    private final Map<String, List<CompletableFuture<TaskStatus>>> calls = new HashMap<>();
    private final StatusPoller poller = new StatusPoller(id -> {
        CompletableFuture<TaskStatus> f = new CompletableFuture<>();
        calls.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
        return f;
    }, 8);
    private final TaskFollower follower = new TaskFollower(
            new PollPlanner(new PollSchedule.Fixed(Duration.ofSeconds(60), Duration.ofSeconds(5)), Duration.ofMinutes(30)),
            poller, new OutcomeRules(Duration.ofSeconds(120), 3, Duration.ofMinutes(30), true));
    private final List<Outcome> outcomes = new ArrayList<>();

    private static FollowedTask task(String taskId) {
        RequestIdentity id = RequestIdentity.of("sink", new SourceCoordinates("in", 0, 1));
        TrackedRequest r = new TrackedRequest(id, "req", "async", "auto", INPUT, Map.of());
        return new FollowedTask(id, taskId, TrackingRecord.submitted(r, taskId, 1, List.of(), SUBMIT), 1, false, SUBMIT);
    }

    private static TaskStatus status(TaskState state) {
        return new TaskStatus("t", state, state.wire(), List.of(), null, null, SUBMIT, SUBMIT + 50_000, 50_000L);
    }

    private int step(long now) {
        return follower.followUp(now, (task, outcome) -> outcomes.add(outcome));
    }

    @Test
    void aTaskIsCalledWhenThePlanSaysAndPolledAgainUntilItsOutcome() {
        FollowedTask t = task("t");
        follower.follow(t, SUBMIT);
        assertThat(t.deadline).isEqualTo(SUBMIT + 1_800_000);
        step(SUBMIT + 59_999);
        assertThat(calls).isEmpty();
        step(SUBMIT + 60_000);
        assertThat(calls.get("t")).hasSize(1);

        calls.get("t").get(0).complete(status(TaskState.PROCESSING));
        assertThat(step(SUBMIT + 60_100)).isEqualTo(1);
        assertThat(outcomes).isEmpty();
        assertThat(t.nextPollAt).isEqualTo(SUBMIT + 65_100);

        step(SUBMIT + 65_100);
        calls.get("t").get(1).complete(status(TaskState.SUCCESS));
        step(SUBMIT + 65_200);
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).status().state()).isEqualTo(TaskState.SUCCESS);
    }

    @Test
    void aCallbackBringsTheCallForwardAndAnAnswerForAFinishedRequestIsDropped() {
        FollowedTask t = task("t");
        follower.follow(t, SUBMIT);
        assertThat(follower.confirm(t, TrackingRecord.callback(t.identity, "t", SUBMIT + 1_000, "success", "{}"), SUBMIT + 1_000)).isEmpty();
        step(SUBMIT + 1_000);
        assertThat(calls.get("t")).as("confirmed at once, not at the first planned poll").hasSize(1);
        t.done = true;
        follower.unfollow(t);
        calls.get("t").get(0).complete(status(TaskState.SUCCESS));
        step(SUBMIT + 1_100);
        assertThat(outcomes).isEmpty();
    }

    @Test
    void aRefusedKeyFailsTheTaskFromTheKeyCheckOrAnyCall() {
        follower.checkApiKey();
        calls.get(TaskFollower.KEY_CHECK_TASK_ID).get(0).completeExceptionally(new LtxApiException(ApiErrorKind.AUTH, 401, "unauthorized"));
        assertThatThrownBy(() -> step(SUBMIT)).isInstanceOf(ConnectException.class).hasMessageContaining("check ltx.api.key");
    }

    @Test
    void aNotFoundKeyCheckIsTheGoodAnswer() {
        follower.checkApiKey();
        calls.get(TaskFollower.KEY_CHECK_TASK_ID).get(0).completeExceptionally(new LtxApiException(ApiErrorKind.NOT_FOUND, 404, "no task"));
        assertThat(step(SUBMIT)).isZero();
    }
}
