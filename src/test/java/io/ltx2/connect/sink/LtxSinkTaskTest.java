package io.ltx2.connect.sink;

import io.ltx2.connect.sink.report.SinkTaskMetrics;
import io.ltx2.connect.api.TestCertificates;
import io.ltx2.connect.config.ApiTransportConfig;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The sink task through its Connect lifecycle without a broker (see {@link SinkTaskHarness}): one
 * identity per record, INTENT before every create, what a restart skips and resubmits, and the
 * cases the review found (dry runs, stops with creates out, rejections counted before durable).
 */
class LtxSinkTaskTest {
    private static final TopicPartition TP = new TopicPartition(SinkTaskHarness.INPUT, 0);
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(11);

    private static Map<String, Object> request(String prompt) {
        return Map.of("prompt", prompt, "resolution", "480p", "duration", 5L);
    }

    /** What the task lets Connect commit when Connect has handed it everything below {@code consumed}. */
    private static long committable(LtxSinkTask task, long consumed) {
        OffsetAndMetadata o = task.preCommit(Map.of(TP, new OffsetAndMetadata(consumed))).get(TP);
        return o.offset();
    }

    /** Waits until everything below {@code consumed} is durable. */
    private static void awaitCommittable(LtxSinkTask task, long consumed) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(committable(task, consumed)).isEqualTo(consumed);
        });
    }

    @Test
    void requestsThatShareAKeyAreEachSubmittedUnderTheirOwnIdentity() {
        SinkTaskHarness h = tasks.start("same-key");
        LtxSinkTask task = h.start();
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(SinkTaskHarness.record(i, "user-1", request("clip " + i)));
        }
        task.put(records);
        awaitCommittable(task, 5);

        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(5);
        List<TrackingRecord> submitted = h.written(TrackingRecordType.SUBMITTED);
        assertThat(submitted).hasSize(5).allSatisfy(r -> assertThat(r.requestId()).isEqualTo("user-1"));
        assertThat(submitted).extracting(TrackingRecord::taskId).doesNotHaveDuplicates();
        assertThat(submitted).extracting(TrackingRecord::identity)
                .containsExactlyInAnyOrder(ids("same-key", 0, 1, 2, 3, 4));
        assertThat(h.writtenKeys(TrackingRecordType.SUBMITTED)).as("keyed by identity, not by request id or task id")
                .containsExactlyInAnyOrderElementsOf(List.of(ids("same-key", 0, 1, 2, 3, 4)).stream().map(RequestIdentity::key).toList());
        assertThat(h.writtenKeys(TrackingRecordType.INTENT)).as("an INTENT before each create, on the same key")
                .containsExactlyInAnyOrderElementsOf(h.writtenKeys(TrackingRecordType.SUBMITTED));
    }

    @Test
    void requestsBeforeAnUnreadableRecordAreSubmittedBeforeTheTaskFailsWhenErrorsAreNotTolerated() {
        SinkTaskHarness h = tasks.start("strict-unit");
        LtxSinkTask task = h.start();
        List<SinkRecord> records = List.of(SinkTaskHarness.record(0, "ok-1", request("valid before")),
                SinkTaskHarness.record(1, "ok-2", request("valid too")), SinkTaskHarness.record(2, "bad", Map.of("prompt", List.of(1, 2))));

        assertThatThrownBy(() -> task.put(records)).isInstanceOf(DataException.class).hasMessageContaining("is not a request");
        // What Connect does next when put fails: close the partitions, then stop.
        task.close(List.of(TP));
        h.stop();

        assertThat(h.onTopic(TrackingRecordType.SUBMITTED)).as("the two requests before the unreadable one went out")
                .extracting(TrackingRecord::requestId).containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(h.onTopic(TrackingRecordType.WITHDRAWN)).isEmpty();
        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(2);
    }

    @Test
    void aTrackingClusterThatCannotAnswerAtStartDelaysTheTaskInsteadOfFailingIt() {
        SinkTaskHarness h = tasks.start("late-cluster").unreachableAtStart(2);
        LtxSinkTask task = h.start(); // start and open do not throw
        List<SinkRecord> records = List.of(SinkTaskHarness.record(0, "r-0", request("waits for the cluster")));

        assertThatThrownBy(() -> task.put(records)).as("the second try fails too: Connect hands the batch again later")
                .isInstanceOf(RetriableException.class);
        assertThat(h.context.timeoutMs).isEqualTo(LtxSinkTask.START_BACKOFF_MS);
        assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(1)))).as("nothing committed while not started").isEmpty();
        assertThat(tasks.sim.stats().createCalls()).isZero();

        task.put(records); // the cluster answers now: the partition opened before is taken up
        awaitCommittable(task, 1);
        assertThat(h.written(TrackingRecordType.SUBMITTED)).extracting(TrackingRecord::requestId).containsExactly("r-0");
    }

    private static RequestIdentity[] ids(String connector, long... offsets) {
        RequestIdentity[] out = new RequestIdentity[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            out[i] = new RequestIdentity(connector, SinkTaskHarness.INPUT, 0, offsets[i]);
        }
        return out;
    }

    @Test
    void intentIsDurableBeforeTheCreateGoesOut() {
        SinkTaskHarness h = tasks.start("intent-first").manualAcks();
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, request("p"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 1);
        assertThat(h.written()).singleElement().extracting(TrackingRecord::type).isEqualTo(TrackingRecordType.INTENT);
        assertThat(tasks.sim.stats().createCalls()).as("nothing sent while the INTENT is unacknowledged").isZero();

        h.producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 2);
        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(1);
        assertThat(committable(task, 1)).as("SUBMITTED not acknowledged yet").isZero();
        h.producer.completeNext();
        awaitCommittable(task, 1);
    }

    @Test
    void restartSkipsHandledRequestsAndResubmitsOrphanedAttemptsNamingThem() {
        SinkTaskHarness h = tasks.start("restart").shortAnswerBound();
        TrackedRequest r0 = tracked("restart", 0);
        h.append(TrackingRecord.intent(r0, 1, 1L));
        h.append(TrackingRecord.submitted(r0, "task-0", 1, List.of(), 2L));
        h.append(TrackingRecord.rejected(tracked("restart", 1), FailCodes.INVALID_REQUEST, "bad", List.of(), 3L));
        h.append(TrackingRecord.intent(tracked("restart", 2), 1, 4L));
        h.append(TrackingRecord.rejected(tracked("restart", 3), FailCodes.DRY_RUN, "preview", List.of(), 5L));
        h.append(TrackingRecord.submitted(tracked("another-sink", 4), "task-x", 1, List.of(), 6L));
        LtxSinkTask task = h.start();

        List<SinkRecord> redelivered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            redelivered.add(SinkTaskHarness.record(i, "k", request("again " + i)));
        }
        task.put(redelivered);
        awaitCommittable(task, 5);

        assertThat(tasks.sim.stats().createsAccepted()).as("only the orphan, the dry-run preview and another connector's request").isEqualTo(3);
        List<TrackingRecord> submitted = h.written(TrackingRecordType.SUBMITTED);
        assertThat(submitted).extracting(r -> r.identity().offset()).containsExactlyInAnyOrder(2L, 3L, 4L);
        TrackingRecord orphan = submitted.stream().filter(r -> r.identity().offset() == 2).findFirst().orElseThrow();
        assertThat(orphan.attempt()).isEqualTo(2);
        assertThat(orphan.earlierAttempts()).containsExactly(new Attempt(1, 4L));
        SinkTaskMetrics m = metricsOf(task);
        assertThat(m.total("duplicates-skipped")).isEqualTo(2);
        assertThat(m.total("unconfirmed-attempts")).isEqualTo(1);
    }

    private static TrackedRequest tracked(String connector, long offset) {
        return new TrackedRequest(new RequestIdentity(connector, SinkTaskHarness.INPUT, 0, offset), "k", "async", "auto", null, Map.of());
    }

    private static SinkTaskMetrics metricsOf(LtxSinkTask task) {
        return task.pipeline().metrics();
    }

    @Test
    void documentedDryRunProcedureSubmitsEveryRequestForReal() {
        SinkTaskHarness dry = tasks.start("dry").with(LtxSinkConfig.DRY_RUN, "true");
        LtxSinkTask preview = dry.start();
        List<SinkRecord> records = List.of(SinkTaskHarness.record(0, "user", request("a")), SinkTaskHarness.record(1, "user", request("b")),
                SinkTaskHarness.record(2, "user", request("c")));
        preview.put(records);
        awaitCommittable(preview, 3);
        assertThat(dry.written(TrackingRecordType.REJECTED)).hasSize(3).allSatisfy(r -> assertThat(r.failCode()).isEqualTo(FailCodes.DRY_RUN));
        dry.stop();

        // A dry run redelivered to a dry-run task: already previewed.
        LtxSinkTask again = dry.start();
        again.put(records);
        awaitCommittable(again, 3);
        assertThat(dry.written()).isEmpty();
        dry.stop();
        assertThat(tasks.sim.stats().createCalls()).isZero();

        // Then, as docs/cost-controls.md says: dry run off, sink offsets reset, same connector name.
        SinkTaskHarness real = dry.with(LtxSinkConfig.DRY_RUN, "false");
        LtxSinkTask task = real.start();
        task.put(records);
        awaitCommittable(task, 3);
        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(3);
        assertThat(real.written(TrackingRecordType.SUBMITTED)).hasSize(3);
    }

    @Test
    void stopWithCreatesAwaitingTheirAnswerRejectsNothing() {
        tasks.sim.setFaults(Faults.builder().latency(Endpoint.CREATE, 3_000).build());
        SinkTaskHarness h = tasks.start("stop-hang").with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "200");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, request("slow 0")), SinkTaskHarness.record(1, null, request("slow 1"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.sim.stats().createCalls() == 2);

        h.stop();

        assertThat(h.onTopic(TrackingRecordType.INTENT)).hasSize(2);
        assertThat(h.onTopic(TrackingRecordType.REJECTED)).as("the next owner finds the INTENTs and decides").isEmpty();
        assertThat(h.onTopic(TrackingRecordType.SUBMITTED)).isEmpty();
    }

    @Test
    void createWithdrawnWhileRetryingA503SaysItCreatedNothing() {
        tasks.sim.setFaults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorStatus(503).build());
        SinkTaskHarness h = tasks.start("withdrawn").with(LtxSinkConfig.API_RETRY_BACKOFF_MS, "200");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, request("declined for now"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.sim.stats().createCalls() >= 1);

        task.close(List.of(TP)); // revoked while the create waits to retry the 503

        assertThat(h.written(TrackingRecordType.WITHDRAWN)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(1);
        h.stop();
        tasks.sim.setFaults(Faults.NONE);
        LtxSinkTask next = h.start();
        next.put(List.of(SinkTaskHarness.record(0, null, request("declined for now"))));
        awaitCommittable(next, 1);
        TrackingRecord submitted = h.written(TrackingRecordType.SUBMITTED).get(0);
        assertThat(submitted.attempt()).as("numbering goes on after the withdrawn attempt").isEqualTo(2);
        assertThat(submitted.earlierAttempts()).as("a withdrawn attempt is no possible charge").isEmpty();
        assertThat(metricsOf(next).total("unconfirmed-attempts")).isZero();
    }

    @Test
    void rejectionCountsAsFinishedOnlyOnceItIsDurable() {
        SinkTaskHarness h = tasks.start("durable-reject").manualAcks().with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "300");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, request("refused #bad-request"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 1);
        h.producer.completeNext(); // the INTENT
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 2);
        assertThat(h.written().get(1).type()).isEqualTo(TrackingRecordType.REJECTED);

        assertThat(task.pipeline().submitter().awaited()).as("unfinished until the REJECTED record is acknowledged").isEqualTo(1);
        assertThat(committable(task, 1)).isZero();
        h.producer.completeNext();
        awaitCommittable(task, 1);
        assertThat(task.pipeline().submitter().awaited()).isZero();
    }

    /**
     * Simulation seed 12515: a partition revoked while the REJECTED record of an invalid request was being written; the next
     * owner's scan missed it, rejected the request again, and a source restart later gave a second event. Closing waits.
     */
    @Test
    void closingAPartitionWaitsForTheRejectionsBeingWritten() throws Exception {
        SinkTaskHarness h = tasks.start("close-reject").manualAcks().with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "30000");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, Map.of("prompt", "too long", "resolution", "480p", "duration", 30L))));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 1);
        assertThat(h.written().get(0).type()).isEqualTo(TrackingRecordType.REJECTED);

        Thread closing = new Thread(() -> task.close(List.of(TP)), "closing");
        closing.start();
        closing.join(300);
        assertThat(closing.isAlive()).as("close waits for the unacknowledged REJECTED record").isTrue();
        h.producer.completeNext();
        closing.join(5_000);
        assertThat(closing.isAlive()).as("close returns once it is durable").isFalse();
    }

    @Test
    void ambiguousFailureKeepsItsSpendReserved() {
        tasks.sim.setFaults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.values()[0]).build());
        SinkTaskHarness h = tasks.start("spend").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100")
                .with(LtxSinkConfig.CREATE_AMBIGUOUS_RETRIES, "0");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, Map.of("prompt", "lost", "resolution", "480p", "duration", 20L))));
        awaitCommittable(task, 1);

        TrackingRecord rejected = h.written(TrackingRecordType.REJECTED).get(0);
        assertThat(rejected.failCode()).isEqualTo(FailCodes.SUBMIT_FAILED);
        assertThat(rejected.earlierAttempts()).as("the attempt that may exist is named").extracting(Attempt::number).containsExactly(1);
        assertThat(task.pipeline().costs().budget().remainingHour()).as("20 s may be billed: not given back").isEqualTo(80);
    }

    @Test
    void overHttpsTheConfiguredCaIsTrustedAndWithoutItTheTaskFailsOnACertificateProblemCommittingNothing() throws Exception {
        TestCertificates.Ca ca = TestCertificates.newCa("sink test CA");
        try (ApiSimulator https = ApiSimulator.builder().apiKey("k").timeScale(0.01)
                .tls(ca.issueServer("simulator", "IP:127.0.0.1").serverContext(null)).build().start()) {
            SinkTaskHarness trusting = new SinkTaskHarness(https, "tls-trusted").with(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES, ca.pem());
            tasks.closeAfter(trusting);
            LtxSinkTask task = trusting.start();
            task.put(List.of(SinkTaskHarness.record(0, null, request("a fox over TLS"))));
            awaitCommittable(task, 1);
            assertThat(trusting.written(TrackingRecordType.SUBMITTED)).hasSize(1);

            SinkTaskHarness untrusting = new SinkTaskHarness(https, "tls-untrusted");
            tasks.closeAfter(untrusting);
            LtxSinkTask failing = untrusting.start();
            failing.put(List.of(SinkTaskHarness.record(0, null, request("a fox nobody can send"))));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> failing.put(List.of()))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("cannot be reached as configured")
                    .hasMessageContaining("TLS certificate problem").hasMessageContaining("ltx.api.ssl.truststore.certificates"));
            assertThat(committable(failing, 1)).isZero();
            assertThat(untrusting.written(TrackingRecordType.REJECTED)).isEmpty();
            assertThat(https.stats().createCalls()).isEqualTo(1);
        }
    }

    @Test
    void definiteRefusalGivesItsSpendBack() {
        SinkTaskHarness h = tasks.start("spend-400").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100");
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, null, Map.of("prompt", "x #bad-request", "resolution", "480p", "duration", 20L))));
        awaitCommittable(task, 1);
        assertThat(h.written(TrackingRecordType.REJECTED)).singleElement().extracting(TrackingRecord::failCode).isEqualTo(FailCodes.HTTP_400);
        assertThat(task.pipeline().costs().budget().remainingHour()).isEqualTo(100);
    }

    @Test
    void callbackModeAdoptsAnOrphanedCreateThroughItsCallbackInsteadOfCreatingAgain() {
        SinkTaskHarness h = tasks.start("adopt").with(LtxSinkConfig.REQUEST_TYPE, "callback")
                .with(LtxSinkConfig.CALLBACK_URL, "https://hooks.example.com/callback/secret-token-123456");
        TrackedRequest orphan = tracked("adopt", 0);
        h.append(TrackingRecord.intent(orphan, 1, System.currentTimeMillis()));
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, "k", request("orphan"))));
        task.put(List.of());
        assertThat(task.pipeline().submitter().inFlight()).isZero();
        assertThat(committable(task, 1)).as("held until adopted or submitted again").isZero();

        h.append(TrackingRecord.callback(orphan.identity(), "task-from-before", System.currentTimeMillis(), "success", "{}"));
        awaitCommittable(task, 1);
        assertThat(tasks.sim.stats().createCalls()).as("no second create").isZero();
        assertThat(metricsOf(task).total("requests-adopted")).isEqualTo(1);
    }

    @Test
    void callbackModeSubmitsAgainWhenNoCallbackComesInTime() {
        SinkTaskHarness h = tasks.start("adopt-late").with(LtxSinkConfig.REQUEST_TYPE, "callback")
                .with(LtxSinkConfig.CALLBACK_URL, "https://hooks.example.com/callback/secret-token-123456")
                .with(LtxSinkConfig.ADOPTION_TIMEOUT_MS, "1000").shortAnswerBound();
        h.append(TrackingRecord.intent(tracked("adopt-late", 0), 1, System.currentTimeMillis() - 5_000));
        LtxSinkTask task = h.start();
        task.put(List.of(SinkTaskHarness.record(0, "k", request("orphan, never called back"))));
        awaitCommittable(task, 1);

        TrackingRecord submitted = h.written(TrackingRecordType.SUBMITTED).get(0);
        assertThat(submitted.attempt()).isEqualTo(2);
        assertThat(submitted.earlierAttempts()).extracting(Attempt::number).containsExactly(1);
        assertThat(tasks.sim.stats().createsAccepted()).isEqualTo(1);
    }

    @Test
    void callbackUrlOfEachCreateNamesItsRequest() throws Exception {
        List<String> called = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        hooks.createContext("/", ex -> {
            called.add(ex.getRequestURI().toString());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hooks.start();
        try {
            String url = "http://127.0.0.1:" + hooks.getAddress().getPort() + "/callback/secret-token-123456";
            SinkTaskHarness h = tasks.start("cb-url").with(LtxSinkConfig.REQUEST_TYPE, "callback").with(LtxSinkConfig.CALLBACK_URL, url);
            LtxSinkTask task = h.start();
            task.put(List.of(SinkTaskHarness.record(7, "k", request("called back"))));
            awaitCommittable(task, 8);
            await().atMost(Duration.ofSeconds(10)).until(() -> !called.isEmpty());
            RequestIdentity id = new RequestIdentity("cb-url", SinkTaskHarness.INPUT, 0, 7);
            assertThat(called.get(0)).as("its tracking partition too, where the receiver puts the CALLBACK record")
                    .isEqualTo(id.appendTo("/callback/secret-token-123456", 0));
        } finally {
            hooks.stop(0);
        }
    }

    @Test
    void chosenHeadersTravelWithTheRequest() {
        SinkTaskHarness h = tasks.start("trace");
        LtxSinkTask task = h.start();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        headers.addString("x-internal", "not carried");
        task.put(List.of(SinkTaskHarness.record(0, null, request("traced"), headers)));
        awaitCommittable(task, 1);
        assertThat(h.written()).allSatisfy(r -> assertThat(r.headers())
                .containsExactly(Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
    }
}
