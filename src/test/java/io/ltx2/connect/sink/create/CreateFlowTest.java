package io.ltx2.connect.sink.create;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.sink.cost.SpendBudget;
import io.ltx2.connect.sink.report.TaskFailure;
import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The create of one attempt as a state machine (issue 25): every change goes through {@link CreateFlow}, along
 * {@link CreateState}'s arrows, and the count that closing a partition waits for and the spend reservation follow it.
 */
class CreateFlowTest {
    private static final TopicPartition TP = new TopicPartition("requests", 0);
    private static final long NOW = 1_000_000L;
    private final LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create("http://127.0.0.1:1/api/v1"), new Password("k"),
            "ltx-2-19b", Duration.ofSeconds(1), Duration.ofSeconds(1), 4, 60_000, new RetryPolicy(0, Duration.ofMillis(10), Duration.ofMillis(10))));
    private final SpendBudget budget = new SpendBudget(40, 0, 1, () -> NOW);
    private final CreateFlow flow = new CreateFlow(new Admission(100, client, null, budget, new ApiAvailability(
            new AvailabilityConfig.Settings(Duration.ofSeconds(5), Duration.ofSeconds(20), Optional.empty()), () -> NOW)), new TaskFailure());
    private int offset;

    @AfterEach
    void close() {
        client.close();
    }

    private Submission request(int seconds) {
        SinkRequest r = new SinkRequest(new RequestIdentity("sink", "requests", 0, offset++), "k", "auto",
                new GenerationInput("text-to-video", "p", "480p", seconds, "16:9", null, null, null), Map.of());
        return new Submission(null, TP, r, flow.ownership(TP), null, new RequestLifecycle(false), 0);
    }

    /** Queued, admitted, announced and on the wire, ended: closing the partition waits for it only while it is on the wire. */
    @Test
    void aCreateGoesFromTheQueueToTheWireAndEndsAndClosingWaitsOnlyWhileItIsOnTheWire() {
        Submission s = request(10);
        flow.enqueue(s);
        assertThat(flow.admit()).containsExactly(s);
        assertThat(s.state()).isEqualTo(CreateState.ADMITTED);
        assertThat(budget.remainingHour()).as("reserved on admission").isEqualTo(30);
        assertThat(flow.awaited(List.of(TP))).isZero();

        CreateFlow.Departure d = flow.beforeSend(s, false, NOW);
        assertThat(d.send()).isEqualTo(CreateFlow.Send.ANNOUNCE);
        assertThat(d.attempt().number()).isEqualTo(1);
        assertThat(flow.awaited(List.of(TP))).isEqualTo(1);
        assertThat(flow.announced(s)).isTrue();

        assertThat(flow.finished(s, false)).isFalse();
        assertThat(s.state()).isEqualTo(CreateState.ENDED);
        assertThat(flow.awaited(List.of(TP))).isZero();
        assertThat(flow.inFlight()).isZero();
        assertThat(budget.remainingHour()).as("an outcome record takes the reservation over").isEqualTo(30);
    }

    /** A queued create of a closed partition is dropped; an admitted one not yet announced is cancelled; both give their spend back. */
    @Test
    void closingAPartitionDropsItsQueuedCreatesAndGivesTheirSpendBack() {
        Submission admitted = request(20);
        Submission queued = request(25);
        flow.enqueue(admitted);
        flow.enqueue(queued);
        assertThat(flow.admit()).as("25 s more would pass the 40 s cap").containsExactly(admitted);
        assertThat(flow.waiting()).isEqualTo(1);

        List<Submission> withdraw = new ArrayList<>();
        assertThat(flow.close(List.of(TP), withdraw)).isEqualTo(1);
        assertThat(withdraw).as("neither had an INTENT out").isEmpty();
        assertThat(flow.waiting()).isZero();
        assertThat(flow.beforeSend(admitted, false, NOW).send()).isEqualTo(CreateFlow.Send.CANCEL);
        assertThat(flow.finished(admitted, true)).isFalse();
        assertThat(budget.remainingHour()).isEqualTo(40);
        assertThat(flow.awaited()).isZero();
    }

    /**
     * A create waiting to be tried again after a failure that created nothing is withdrawn when its partition closes: its
     * WITHDRAWN record is written at once and closing waits for it; one whose failure may have created a task is not.
     */
    @Test
    void onCloseACleanRetryIsWithdrawnAndAnAmbiguousOneIsNot() {
        Submission clean = request(10);
        Submission ambiguous = request(10);
        flow.enqueue(clean);
        flow.enqueue(ambiguous);
        flow.admit();
        for (Submission s : List.of(clean, ambiguous)) {
            assertThat(flow.beforeSend(s, false, NOW).send()).isEqualTo(CreateFlow.Send.ANNOUNCE);
            assertThat(flow.announced(s)).isTrue();
        }
        assertThat(flow.retrying(clean, false)).isFalse();
        assertThat(flow.retrying(ambiguous, true)).isFalse();
        assertThat(flow.awaited(List.of(TP))).as("off the wire while they wait").isZero();
        assertThat(budget.remainingHour()).isEqualTo(20);

        List<Submission> withdraw = new ArrayList<>();
        flow.close(List.of(TP), withdraw);
        assertThat(withdraw).containsExactly(clean);
        assertThat(clean.state()).isEqualTo(CreateState.WITHDRAWN);
        assertThat(budget.remainingHour()).as("the withdrawn one's spend is given back").isEqualTo(30);
        assertThat(flow.awaited(List.of(TP))).as("its WITHDRAWN record is being written").isEqualTo(1);
        flow.withdrawalWritten(clean);
        assertThat(flow.awaited(List.of(TP))).isZero();

        assertThat(flow.beforeSend(ambiguous, true, NOW).send()).as("it may have made a task: nothing to withdraw")
                .isEqualTo(CreateFlow.Send.CANCEL);
        assertThat(ambiguous.state()).isEqualTo(CreateState.RETRY_AMBIGUOUS);
    }

    /** Refused because the API cannot take work: back to the head of the queue, with its attempt, announced again when it goes. */
    @Test
    void aCreateTheApiCouldNotTakeGoesBackToTheHeadOfTheQueueWithItsAttempt() {
        Submission refused = request(10);
        Submission other = request(10);
        flow.enqueue(refused);
        flow.admit();
        flow.enqueue(other);
        flow.beforeSend(refused, false, NOW);
        flow.announced(refused);
        flow.requeue(refused);
        assertThat(budget.remainingHour()).as("given back when refused").isEqualTo(40);
        assertThat(flow.awaited(List.of(TP))).isZero();

        assertThat(flow.finished(refused, false)).isFalse();
        assertThat(refused.state()).isEqualTo(CreateState.QUEUED);
        assertThat(flow.admit()).containsExactly(refused, other);
        CreateFlow.Departure again = flow.beforeSend(refused, false, NOW + 5_000);
        assertThat(again.send()).isEqualTo(CreateFlow.Send.ANNOUNCE);
        assertThat(again.attempt().number()).as("the same attempt, its INTENT written again").isEqualTo(1);
        assertThat(again.attempt().time()).isEqualTo(NOW + 5_000);
        assertThat(again.afterPossibleTask()).isFalse();
    }

    /** A partition closed while the INTENT was being written: the create does not go out, and says so with a WITHDRAWN record. */
    @Test
    void aPartitionClosedWhileTheIntentWasWrittenWithdrawsTheCreate() {
        Submission s = request(10);
        flow.enqueue(s);
        flow.admit();
        flow.beforeSend(s, false, NOW);
        flow.close(List.of(TP), new ArrayList<>());
        assertThat(flow.awaited(List.of(TP))).as("on the wire: closing waits").isEqualTo(1);
        assertThat(flow.announced(s)).isFalse();
        assertThat(s.state()).isEqualTo(CreateState.WITHDRAWN);
        assertThat(flow.awaited(List.of(TP))).as("its INTENT's WITHDRAWN record is being written").isEqualTo(1);
        flow.withdrawalWritten(s);
        assertThat(flow.awaited(List.of(TP))).isZero();
    }

    /** An arrow the table does not have is a defect and fails loudly; a withdrawn create goes nowhere. */
    @Test
    void aChangeNotInTheTableThrows() {
        Submission s = request(10);
        assertThatThrownBy(() -> s.moveTo(CreateState.ON_WIRE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from QUEUED to ON_WIRE");
        flow.enqueue(s);
        flow.admit();
        flow.beforeSend(s, false, NOW);
        flow.close(List.of(TP), new ArrayList<>());
        flow.announced(s);
        assertThatThrownBy(() -> flow.enqueue(s)).isInstanceOf(IllegalStateException.class).hasMessageContaining("from WITHDRAWN");
    }
}
