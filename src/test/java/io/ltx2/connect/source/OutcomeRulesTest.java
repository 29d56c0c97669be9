package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.source.OutcomeRules.Decision;
import io.ltx2.connect.source.OutcomeRules.Emit;
import io.ltx2.connect.source.OutcomeRules.FailTask;
import io.ltx2.connect.source.OutcomeRules.PollAgain;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeRulesTest {
    private static final long SUBMIT = 1_000_000L;
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, 1L, null);
    private static final RequestIdentity ID = RequestIdentity.of("sink", new SourceCoordinates("in", 0, 1));
    private final OutcomeRules rules = new OutcomeRules(Duration.ofSeconds(120), 3, Duration.ofMinutes(30), true);

    private static FollowedTask task() {
        TrackedRequest r = new TrackedRequest(ID, "req", "async", "auto", INPUT, Map.of());
        return new FollowedTask(ID, "task-1", TrackingRecord.submitted(r, "task-1", 1, List.of(), SUBMIT), 1, false, SUBMIT);
    }

    private static TaskStatus status(TaskState state) {
        return new TaskStatus("task-1", state, state.wire(), state == TaskState.SUCCESS ? List.of("https://v.mp4") : List.of(),
                state == TaskState.FAILED ? "CONTENT_VIOLATION" : null, null, 1L, 2L, 1L);
    }

    private static LtxApiException error(ApiErrorKind kind, int http) {
        return new LtxApiException(kind, http, "HTTP " + http + " from the API");
    }

    @Test
    void aTerminalStatusIsEmittedAsTheApiReportedIt() {
        Decision d = rules.onStatus(task(), status(TaskState.FAILED), false);
        assertThat(d).isInstanceOf(Emit.class);
        assertThat(((Emit) d).outcome().status().failCode()).isEqualTo("CONTENT_VIOLATION");
        assertThat(rules.onStatus(task(), status(TaskState.SUCCESS), true)).as("even at the final poll").isInstanceOf(Emit.class);
    }

    @Test
    void anUnfinishedTaskIsPolledAgainUntilTheFinalPollThenTimesOut() {
        Decision again = rules.onStatus(task(), status(TaskState.PROCESSING), false);
        assertThat(again).isInstanceOf(PollAgain.class);
        assertThat(((PollAgain) again).trouble()).isFalse();
        Decision last = rules.onStatus(task(), status(TaskState.PROCESSING), true);
        assertThat(((Emit) last).outcome().failCode()).isEqualTo(TerminalEvent.TIMEOUT);
        assertThat(((Emit) last).outcome().failMsg()).contains("task-1").contains("1800000 ms").contains("still processing");
    }

    @Test
    void notFoundIsReplicationLagWithinTheGracePeriodAndALostTaskAfterIt() {
        FollowedTask t = task();
        assertThat(rules.onError(t, error(ApiErrorKind.NOT_FOUND, 404), false, SUBMIT + 119_999)).isInstanceOf(PollAgain.class);
        Decision lost = rules.onError(t, error(ApiErrorKind.NOT_FOUND, 404), false, SUBMIT + 120_000);
        assertThat(((Emit) lost).outcome().failCode()).isEqualTo(TerminalEvent.NOT_FOUND);
    }

    @Test
    void unreadableAnswersInARowEndAsMalformedResponseAndAGoodAnswerResetsTheCount() {
        FollowedTask t = task();
        Decision first = rules.onError(t, error(ApiErrorKind.MALFORMED_RESPONSE, 200), false, SUBMIT);
        assertThat(((PollAgain) first).malformedInARow()).isEqualTo(1);
        t.malformedInARow = 1;
        Decision second = rules.onError(t, new CompletionException(error(ApiErrorKind.MALFORMED_RESPONSE, 200)), false, SUBMIT);
        assertThat(((PollAgain) second).malformedInARow()).isEqualTo(2);
        t.malformedInARow = 2;
        Decision third = rules.onError(t, error(ApiErrorKind.MALFORMED_RESPONSE, 200), false, SUBMIT);
        assertThat(((Emit) third).outcome().failCode()).isEqualTo(TerminalEvent.MALFORMED_RESPONSE);
        assertThat(((Emit) third).outcome().failMsg()).startsWith("3 unreadable status answers in a row");
        assertThat(((PollAgain) rules.onStatus(t, status(TaskState.PENDING), false)).malformedInARow()).isZero();
    }

    @Test
    void aRefusedKeyFailsTheTaskWithAClearMessage() {
        Decision d = rules.onError(task(), error(ApiErrorKind.AUTH, 401), false, SUBMIT);
        assertThat(d).isInstanceOf(FailTask.class);
        assertThat(((FailTask) d).error()).hasMessageContaining("check ltx.api.key").hasMessageContaining("HTTP 401");
        assertThat(OutcomeRules.fatalFailure(new CompletionException(error(ApiErrorKind.AUTH, 403)))).isPresent();
        assertThat(OutcomeRules.fatalFailure(error(ApiErrorKind.NOT_FOUND, 404))).isEmpty();
    }

    @Test
    void aConnectionThatCannotBeSetUpAsConfiguredFailsTheTaskWithItsMessage() {
        LtxApiException tls = new LtxApiException(ApiErrorKind.TRANSPORT, 0,
                "status of task t: TLS certificate problem: the certificate of api.example.com is not trusted (...). Configure the CA "
                        + "that signed it with ltx.api.ssl.truststore.location");
        Decision d = rules.onError(task(), tls, false, SUBMIT);
        assertThat(d).isInstanceOf(FailTask.class);
        assertThat(((FailTask) d).error()).hasMessageContaining("cannot be reached as configured")
                .hasMessageContaining("TLS certificate problem").hasMessageContaining("ltx.api.ssl.truststore.location")
                .hasMessageNotContaining("ltx.api.key");
        assertThat(OutcomeRules.fatalFailure(new CompletionException(error(ApiErrorKind.TRANSPORT, 407)))).isPresent();
    }

    @Test
    void otherFailuresArePolledAgainWithAWarningUnlessItWasTheFinalPoll() {
        Decision transientError = rules.onError(task(), error(ApiErrorKind.TRANSIENT, 503), false, SUBMIT);
        assertThat(((PollAgain) transientError).trouble()).isTrue();
        assertThat(rules.onError(task(), new IOException("reset"), false, SUBMIT)).isInstanceOf(PollAgain.class);
        Decision last = rules.onError(task(), error(ApiErrorKind.TRANSIENT, 503), true, SUBMIT);
        assertThat(((Emit) last).outcome().failCode()).isEqualTo(TerminalEvent.TIMEOUT);
        assertThat(((Emit) last).outcome().failMsg()).contains("last status call failed");
    }

    @Test
    void aCallbackBodyDecidesOnlyWhenNotConfirmedAndTerminal() {
        String terminal = "{\"code\":200,\"data\":{\"taskId\":\"task-1\",\"state\":\"success\","
                + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://v.mp4\\\"]}\"}}";
        TrackingRecord done = TrackingRecord.callback(ID, "task-1", SUBMIT, "success", terminal);
        assertThat(rules.trustedCallback(done)).as("confirmed by default").isEmpty();

        OutcomeRules trusting = new OutcomeRules(Duration.ofSeconds(120), 3, Duration.ofMinutes(30), false);
        assertThat(trusting.trustedCallback(done)).hasValueSatisfying(o -> assertThat(o.status().resultUrls()).containsExactly("https://v.mp4"));
        assertThat(trusting.trustedCallback(TrackingRecord.callback(ID, "task-1", SUBMIT, "processing",
                "{\"taskId\":\"task-1\",\"state\":\"processing\"}"))).isEmpty();
        assertThat(trusting.trustedCallback(TrackingRecord.callback(ID, "task-1", SUBMIT, null, "not json"))).isEmpty();
        assertThat(trusting.trustedCallback(TrackingRecord.callback(ID, "task-1", SUBMIT, null, null))).isEmpty();
    }
}
