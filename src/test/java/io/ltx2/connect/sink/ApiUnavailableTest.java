package io.ltx2.connect.sink;

import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The API's answers that say "not now" or "not this request" (issue 20): an empty balance and an
 * outage longer than the retries keep every request and pause the input until the API takes work
 * again; a content refusal rejects that one request with the vendor's code.
 */
class ApiUnavailableTest {
    private static final TopicPartition TP = new TopicPartition(SinkTaskHarness.INPUT, 0);
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(20);

    private static List<SinkRecord> backlog(int n) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(SinkTaskHarness.record(i, "user", Map.of("prompt", "clip " + i, "resolution", "480p", "duration", 5L)));
        }
        return records;
    }

    /** What may be committed once Connect handed out {@code consumed} records. */
    private static long committable(LtxSinkTask task, long consumed) {
        return task.preCommit(Map.of(TP, new OffsetAndMetadata(consumed))).get(TP).offset();
    }

    private static SinkTaskHarness quickRetries(SinkTaskHarness h) {
        return h.with(AvailabilityConfig.RETRY_BACKOFF_MS, "200").with(AvailabilityConfig.RETRY_BACKOFF_MAX_MS, "400");
    }

    @Test
    void anEmptyBalanceRejectsNothingPausesTheInputAndResumesByItselfAfterATopUp() {
        tasks.sim.setBalanceSeconds(15L); // three of the ten requests
        SinkTaskHarness h = quickRetries(tasks.start("balance"));
        LtxSinkTask task = h.start();
        task.put(backlog(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> task.parts().availability.isUnavailable());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(h.context.paused).contains(TP);
        });
        assertThat(task.parts().availability.status()).isEqualTo(402);
        assertThat(task.parts().metrics.total("requests-rejected")).isZero();
        long probesBefore = tasks.sim.stats().createCalls();
        for (int i = 0; i < 15; i++) { // Connect calls put again as the task asks (context.timeout)
            sleep(100);
            task.put(List.of());
        }
        assertThat(tasks.sim.stats().createCalls() - probesBefore).as("one create at a time while unavailable, 0.2-0.4 s apart")
                .isBetween(1L, 8L);
        assertThat(h.written(TrackingRecordType.SUBMITTED)).as("what the balance paid for").hasSize(3);
        assertThat(committable(task, 10)).as("nothing past an unsubmitted request").isLessThanOrEqualTo(3);

        tasks.sim.topUpSeconds(1_000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(committable(task, 10)).isEqualTo(10);
        });
        assertThat(h.written(TrackingRecordType.SUBMITTED)).hasSize(10);
        assertThat(h.written(TrackingRecordType.REJECTED)).isEmpty();
        assertThat(h.written(TrackingRecordType.INTENT)).as("a refused attempt keeps its number: sent again, its INTENT is written "
                + "again with the time it really left (a next owner waits for its callback from then)").extracting(TrackingRecord::attempt)
                .containsOnly(1);
        assertThat(h.written(TrackingRecordType.INTENT).stream().map(TrackingRecord::identity).distinct()).hasSize(10);
        assertThat(task.parts().availability.isUnavailable()).isFalse();
        assertThat(h.context.paused).doesNotContain(TP);
        assertThat(task.parts().metrics.total("requests-rejected")).isZero();
    }

    @Test
    void anOutageLongerThanTheRetriesRejectsNothing() {
        tasks.sim.setFaults(Faults.builder().outage(2_500, 503, Faults.OutageScope.CREATE, null).build());
        SinkTaskHarness h = quickRetries(tasks.start("outage")).with(LtxSinkConfig.API_RETRY_MAX, "2");
        LtxSinkTask task = h.start();
        task.put(backlog(4));
        await().atMost(Duration.ofSeconds(10)).until(() -> task.parts().availability.isUnavailable());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(committable(task, 4)).isEqualTo(4);
        });
        assertThat(h.written(TrackingRecordType.SUBMITTED)).hasSize(4);
        assertThat(h.written(TrackingRecordType.REJECTED)).isEmpty();
        assertThat(task.parts().availability.unavailableMs()).isPositive();
    }

    @Test
    void aContentRefusalRejectsThatRequestWithTheVendorsCodeAndTheTaskGoesOn() {
        SinkTaskHarness h = tasks.start("content-403");
        LtxSinkTask task = h.start();
        List<SinkRecord> records = new ArrayList<>(backlog(2));
        records.add(SinkTaskHarness.record(2, "user", Map.of("prompt", "a scene " + ApiSimulator.FORBIDDEN_CONTENT_MARKER, "duration", 5L)));
        records.add(SinkTaskHarness.record(3, "user", Map.of("prompt", "after it", "duration", 5L)));
        task.put(records);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(committable(task, 4)).isEqualTo(4);
        });
        TrackingRecord refused = h.written(TrackingRecordType.REJECTED).get(0);
        assertThat(refused.failCode()).isEqualTo("SensitiveContentDetected");
        assertThat(refused.httpStatus()).isEqualTo(403);
        assertThat(refused.failDetail()).isNotBlank();
        assertThat(h.written(TrackingRecordType.SUBMITTED)).hasSize(3);
    }

    @Test
    void a403AboutTheKeyFailsTheTaskNamingTheKeySettingAndRejectsNothing() throws Exception {
        try (ApiSimulator keyRefused = ApiSimulator.builder().apiKey("other").forbiddenKeys("k").timeScale(0.01).build().start();
             SinkTaskHarness h = new SinkTaskHarness(keyRefused, "key-403")) {
            LtxSinkTask task = h.start();
            task.put(backlog(2));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("ltx.api.key").hasMessageContaining("HTTP 403"));
            assertThat(committable(task, 2)).isZero();
            assertThat(h.written(TrackingRecordType.REJECTED)).as("the key's fault is no request's").isEmpty();
        }
    }

    @Test
    void aBoundOnTheWaitFailsTheTaskWithoutRejectingOrCommitting() {
        tasks.sim.setBalanceSeconds(0L);
        SinkTaskHarness h = quickRetries(tasks.start("bounded")).with(AvailabilityConfig.MAX_MS, "1000");
        LtxSinkTask task = h.start();
        task.put(backlog(2));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class).hasMessageContaining(AvailabilityConfig.MAX_MS).hasMessageContaining("HTTP 402"));
        assertThat(committable(task, 2)).isZero();
        assertThat(h.written(TrackingRecordType.REJECTED)).isEmpty();
    }

    /**
     * Issue 24 item 7: an HTTP status the contract gives no meaning (here 405, as from a gateway or a moved endpoint) rejected
     * every request of the backlog for good, committing it; it fails the task naming the status, and rejects nothing.
     */
    @Test
    void aStatusTheContractGivesNoMeaningFailsTheTaskNamingItAndRejectsNothing() {
        tasks.sim.setFaults(Faults.builder().errorRate(io.ltx2.connect.simulator.Endpoint.CREATE, 1.0).errorStatus(405).build());
        SinkTaskHarness h = tasks.start("status-405");
        LtxSinkTask task = h.start();
        task.put(backlog(3));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class).hasMessageContaining("HTTP 405").hasMessageContaining("ltx.api.url"));
        assertThat(committable(task, 3)).isZero();
        assertThat(h.written(TrackingRecordType.REJECTED)).as("a moved endpoint is no request's fault").isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
