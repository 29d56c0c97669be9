package io.ltx2.connect.tracking;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.tracking.RequestLifecycle.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of docs/delivery-semantics.md as the one fold of a request's tracking records decides them. */
class RequestLifecycleTest {
    private static final TrackedRequest R = new TrackedRequest(new RequestIdentity("sink", "requests", 0, 7, "tid"), "req", "callback", "auto",
            new GenerationInput(null, "a fox", "480p", 5, null, null, null, null), Map.of());

    private static TrackingRecord intent(int n) {
        return TrackingRecord.intent(R, n, 100L * n);
    }

    private static TrackingRecord submitted(int n, String task) {
        return TrackingRecord.submitted(R, task, n, List.of(), 100L * n + 10);
    }

    private static TrackingRecord callback(String task) {
        return TrackingRecord.callback(R.identity(), task, 5_000L, "success", "{}");
    }

    private static RequestLifecycle of(TrackingRecord... records) {
        return RequestLifecycle.of(List.of(records), false);
    }

    @Test
    void aRecordHandedOutAgainIsHandledOnceAnOutcomeIsDurable() {
        assertThat(of(intent(1), submitted(1, "t1")).sinkDecision(0).verdict()).isEqualTo(Verdict.HANDLED);
        assertThat(of(TrackingRecord.rejected(R, "INVALID_REQUEST", "bad", List.of(), 1L)).sinkDecision(0).verdict())
                .as("a local rejection answers attempt 1").isEqualTo(Verdict.HANDLED);
        assertThat(of().sinkDecision(0).verdict()).isEqualTo(Verdict.NEW);
    }

    @Test
    void aDryRunIsAPreviewNotTheRequestsOutcome() {
        TrackingRecord preview = TrackingRecord.rejected(R, FailCodes.DRY_RUN, "would send", List.of(), 1L);
        assertThat(RequestLifecycle.of(List.of(preview), false).sinkDecision(0).verdict()).isEqualTo(Verdict.NEW);
        assertThat(RequestLifecycle.of(List.of(preview), true).sinkDecision(0).verdict()).isEqualTo(Verdict.HANDLED);
    }

    @Test
    void anUnansweredIntentIsAnOrphanUntilWithdrawn() {
        RequestLifecycle.Decision orphaned = of(intent(1), intent(2)).sinkDecision(0);
        assertThat(orphaned.verdict()).isEqualTo(Verdict.ORPHANED);
        assertThat(orphaned.open()).extracting(Attempt::number).containsExactly(1, 2);
        RequestLifecycle.Decision withdrawn = of(intent(1), TrackingRecord.withdrawn(R, 1, 150L)).sinkDecision(0);
        assertThat(withdrawn.verdict()).isEqualTo(Verdict.NEW);
        assertThat(withdrawn.lastAttempt()).as("numbering goes on after a withdrawn attempt").isEqualTo(1);
    }

    @Test
    void aCallbackWithoutAnAnswerIsAdoptedWithTheAttemptThatMadeIt() {
        RequestLifecycle.Decision d = of(intent(1), intent(2), callback("t2")).sinkDecision(0);
        assertThat(d.verdict()).isEqualTo(Verdict.ADOPT);
        assertThat(d.adoptTask()).isEqualTo("t2");
        assertThat(d.adoptAttempt()).isEqualTo(2);
        assertThat(d.open()).extracting(Attempt::number).containsExactly(1, 2);
    }

    @Test
    void aRetryIsSettledByNewerAttemptsOnly() {
        RequestLifecycle failed = of(intent(1), submitted(1, "t1"), callback("t1"),
                TrackingRecord.retry(R, "t1", 1, "PROCESSING_TIMEOUT", "x", false, 110L));
        assertThat(failed.sinkDecision(1).verdict()).as("the failed attempt's own answer and callback settle nothing").isEqualTo(Verdict.NEW);
        assertThat(failed.sinkDecision(1).lastAttempt()).isEqualTo(1);
        assertThat(failed.retryAsked(1)).isTrue();

        failed.fold(intent(2), 0);
        assertThat(failed.sinkDecision(1).verdict()).as("attempt 2 may exist").isEqualTo(Verdict.ORPHANED);
        assertThat(failed.sinkDecision(1).open()).extracting(Attempt::number).containsExactly(2);

        failed.fold(callback("t2"), 0);
        RequestLifecycle.Decision adopt = failed.sinkDecision(1);
        assertThat(adopt.verdict()).isEqualTo(Verdict.ADOPT);
        assertThat(adopt.adoptTask()).isEqualTo("t2");
        assertThat(adopt.adoptAttempt()).isEqualTo(2);

        failed.fold(submitted(2, "t2"), 0);
        assertThat(failed.sinkDecision(1).verdict()).isEqualTo(Verdict.HANDLED);
    }

    @Test
    void anUnknownCallbackWithoutANewerAttemptIsNotAdoptedForARetry() {
        RequestLifecycle l = of(intent(1), submitted(1, "t1"), callback("t-orphan"));
        assertThat(l.sinkDecision(0).verdict()).isEqualTo(Verdict.HANDLED);
        assertThat(l.sinkDecision(1).verdict()).isEqualTo(Verdict.NEW);
    }

    @Test
    void theAttemptsThatMayHaveMadeATaskAreTheIntentsNotWithdrawnTheNamedOnesAndTheSubmittedOnes() {
        RequestLifecycle l = of(intent(1), intent(2), TrackingRecord.withdrawn(R, 2, 250L), intent(3),
                TrackingRecord.submitted(R, "t3", 3, List.of(new Attempt(1, 99L)), 310L));
        assertThat(l.possibleAttempts().values()).containsExactly(new Attempt(1, 99L), new Attempt(3, 300L));
        assertThat(l.named(1)).isTrue();
        assertThat(l.named(3)).isFalse();
    }

    @Test
    void anAnswerWithoutAnAttemptAnswersTheLatestIntent() {
        RequestLifecycle l = of(intent(1), intent(2), TrackingRecord.rejected(R, "SUBMIT_FAILED", "no answer", List.of(), 300L));
        assertThat(l.sinkDecision(1).verdict()).as("attempt 2 was answered").isEqualTo(Verdict.HANDLED);
        assertThat(l.sinkDecision(2).verdict()).isEqualTo(Verdict.NEW);
    }

    @Test
    void foldingARecordTwiceChangesNothing() {
        RequestLifecycle once = of(intent(1), callback("t1"));
        RequestLifecycle twice = of(intent(1), intent(1), callback("t1"), callback("t1"));
        assertThat(twice.sinkDecision(0)).isEqualTo(once.sinkDecision(0));
    }

    @Test
    void aRefusedAttemptMadeNoTaskUnlessARecordNamesIt() {
        RequestLifecycle refused = of(intent(1), submitted(1, "t1"), intent(2), TrackingRecord.rejected(R, "HTTP_400", "bad", List.of(), 210L));
        assertThat(refused.chargesBesides(1)).as("attempt 2 was refused: it made nothing").isEmpty();
        assertThat(refused.newestAttempt()).as("the sink made attempt 2 all the same").isEqualTo(2);
        RequestLifecycle givenUp = of(intent(1), TrackingRecord.rejected(R, "SUBMIT_FAILED", "no answer", List.of(new Attempt(1, 100L)), 150L));
        assertThat(givenUp.chargesBesides(null)).as("an ambiguous create given up names itself").containsExactly(new Attempt(1, 100L));
        TrackingRecord preview = TrackingRecord.rejected(R, FailCodes.DRY_RUN, "would send", List.of(), 1L);
        assertThat(RequestLifecycle.isPreview(preview)).isTrue();
        assertThat(of(intent(1), preview).chargesBesides(null)).as("a preview refuses nothing").extracting(Attempt::number).containsExactly(1);
    }

    @Test
    void aRetrysNewAttemptIsTheRequestsNextTaskAndTheLatestIntentIsAsLastAnnounced() {
        RequestLifecycle l = of(intent(1), submitted(1, "t1"), TrackingRecord.retry(R, "t1", 1, "PROCESSING_TIMEOUT", "slow", false, 110L),
                intent(2), TrackingRecord.intent(R, 2, 900L));
        assertThat(l.isRetryAttempt(2)).isTrue();
        assertThat(l.isRetryAttempt(1)).isFalse();
        assertThat(l.isRetryAttempt(null)).isFalse();
        assertThat(l.latestIntent()).as("re-announced after a wait in the queue").isEqualTo(new Attempt(2, 900L));
        assertThat(l.intent(1)).isEqualTo(new Attempt(1, 100L));
        assertThat(of(intent(1), TrackingRecord.withdrawn(R, 1, 150L)).intent(1)).as("a withdrawn attempt has no INTENT that counts").isNull();
    }
}
