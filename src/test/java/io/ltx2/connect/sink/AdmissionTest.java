package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.RequestIdentity;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place that decides whether a create may start. */
class AdmissionTest {
    private final AtomicLong now = new AtomicLong(1_000_000L);
    private LtxApiClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private LtxApiClient client(double callsPerMinute) {
        client = new LtxApiClient(new ApiClientSettings(URI.create("http://127.0.0.1:1/api/v1"), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(1), Duration.ofSeconds(1), 4, callsPerMinute, new RetryPolicy(0, Duration.ofMillis(10), Duration.ofMillis(10))));
        return client;
    }

    private ApiAvailability available() {
        return new ApiAvailability(new AvailabilityConfig.Settings(Duration.ofSeconds(5), Duration.ofSeconds(20), Optional.empty()), now::get);
    }

    private static Submission request(int seconds) {
        SinkRequest r = new SinkRequest(new RequestIdentity("sink", "requests", 0, 1), "k", "auto",
                new GenerationInput("text-to-video", "p", "480p", seconds, "16:9", null, null, null), Map.of());
        return new Submission(null, new TopicPartition("requests", 0), r, 0, null, new RequestLifecycle(false), 0);
    }

    @Test
    void aFullPipelineWaits() {
        Admission admission = new Admission(2, client(60_000), null, null, available());
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.ADMIT);
        assertThat(admission.admit(request(5), 2, 0, r -> { })).isEqualTo(Admission.Verdict.PIPELINE_FULL);
        assertThat(admission.pipelineFull(2)).isTrue();
    }

    @Test
    void moreThanASecondOfRateLimitBacklogWaitsInKafka() {
        LtxApiClient slow = client(60); // one call a second
        Admission admission = new Admission(100, slow, null, null, available());
        assertThat(admission.admit(request(5), 0, 0, r -> { })).isEqualTo(Admission.Verdict.ADMIT);
        // Calls that hold their permits (their gate never opens) build up a backlog in the client.
        CreateTaskRequest body = new CreateTaskRequest("async", null, "auto", request(5).request().input());
        for (int i = 0; i < 3; i++) {
            slow.createTask(body, 0, previousMayExist -> new CompletableFuture<>());
        }
        assertThat(admission.admit(request(5), 3, 0, r -> { })).isEqualTo(Admission.Verdict.RATE_BACKLOG);
        assertThat(admission.admit(request(5), 0, 5, r -> { })).as("creates taken in this pass count too").isEqualTo(Admission.Verdict.RATE_BACKLOG);
    }

    @Test
    void theSpendCapReservesAndAnOutcomeRecordSettlesWhatItSaysMayBeBilled() {
        SpendBudget budget = new SpendBudget(40, 0, 1, now::get);
        Admission admission = new Admission(100, client(60_000), null, budget, available());
        Submission first = request(20);
        Submission second = request(20);
        assertThat(admission.admit(first, 0, 0, first::reserved)).isEqualTo(Admission.Verdict.ADMIT);
        assertThat(admission.admit(second, 1, 1, second::reserved)).isEqualTo(Admission.Verdict.ADMIT);
        assertThat(admission.admit(request(5), 2, 2, r -> { })).isEqualTo(Admission.Verdict.SPEND_CAP);

        admission.release(first.takeReservation()); // never sent, no outcome record
        assertThat(budget.remainingHour()).isEqualTo(20);
        budget.settle(second.takeReservation(), 40); // its record names an earlier attempt that may have been billed too
        assertThat(budget.remainingHour()).isZero();
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.SPEND_CAP);
    }

    @Test
    void whileTheApiCannotTakeWorkOneProbeAtATimeGoesOutAndAnAcceptedCreateResumes() {
        ApiAvailability availability = available();
        Admission admission = new Admission(100, client(60_000), null, null, availability);
        availability.unavailable(request(5), "HTTP 402: insufficient balance", 402);
        assertThat(admission.admit(request(5), 0, 0, r -> { })).isEqualTo(Admission.Verdict.API_UNAVAILABLE);
        now.addAndGet(5_000);
        Submission probe = request(5);
        assertThat(admission.admit(probe, 0, 0, probe::reserved)).as("the probe").isEqualTo(Admission.Verdict.ADMIT);
        assertThat(admission.admit(request(5), 1, 0, r -> { })).as("one at a time").isEqualTo(Admission.Verdict.API_UNAVAILABLE);

        availability.unavailable(probe, "HTTP 402: insufficient balance", 402); // the probe was refused too
        now.addAndGet(9_999);
        assertThat(admission.admit(request(5), 0, 0, r -> { })).as("twice as long now").isEqualTo(Admission.Verdict.API_UNAVAILABLE);
        now.addAndGet(1);
        Submission second = request(5);
        assertThat(admission.admit(second, 0, 0, second::reserved)).isEqualTo(Admission.Verdict.ADMIT);
        availability.accepted(request(5)); // a create sent before it all began, answered late: proves nothing of now
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.API_UNAVAILABLE);
        availability.accepted(second);
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.ADMIT);
        assertThat(availability.unavailableMs()).isEqualTo(15_000);
    }

    @Test
    void refusalsOfCreatesAlreadyOutWhenTheApiBecameUnavailableDoNotLengthenTheFirstWait() {
        ApiAvailability availability = available();
        Admission admission = new Admission(100, client(60_000), null, null, availability);
        for (int i = 0; i < 8; i++) {
            availability.unavailable(request(5), "HTTP 402: insufficient balance", 402); // eight creates that were in flight
        }
        now.addAndGet(4_999);
        assertThat(admission.admit(request(5), 0, 0, r -> { })).isEqualTo(Admission.Verdict.API_UNAVAILABLE);
        now.addAndGet(1);
        assertThat(admission.admit(request(5), 0, 0, r -> { })).as("the first probe after the initial back-off, not 2^7 times it")
                .isEqualTo(Admission.Verdict.ADMIT);
    }

    @Test
    void aProbeThatEndsWithoutAVerdictOnTheApiLetsTheNextProbeGo() {
        ApiAvailability availability = available();
        Admission admission = new Admission(100, client(60_000), null, null, availability);
        availability.unavailable(request(5), "HTTP 402: insufficient balance", 402);
        now.addAndGet(5_000);
        Submission probe = request(5);
        assertThat(admission.admit(probe, 0, 0, probe::reserved)).isEqualTo(Admission.Verdict.ADMIT);
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.API_UNAVAILABLE);

        availability.ended(request(5)); // another create's end changes nothing
        assertThat(admission.admit(request(5), 1, 0, r -> { })).isEqualTo(Admission.Verdict.API_UNAVAILABLE);
        availability.ended(probe); // rejected for its own content, or withdrawn by a rebalance
        assertThat(availability.isUnavailable()).as("that proves nothing of the account").isTrue();
        assertThat(admission.admit(request(5), 0, 0, r -> { })).as("the next probe, without another wait").isEqualTo(Admission.Verdict.ADMIT);
    }
}
