package io.ltx2.connect.sink;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What a sink task does with the work of an earlier owner of its partitions (another task, or
 * itself before a rebalance): creates still on the wire, retries that were waiting, orphaned
 * attempts, and what their spend counts. Each test is one finding of the guarantee review
 * (docs/delivery-semantics.md), and failed on the code before its fix.
 */
class EarlierOwnerTest {
    private static final TopicPartition P0 = new TopicPartition(SinkTaskHarness.INPUT, 0);
    private static final TopicPartition P1 = new TopicPartition(SinkTaskHarness.INPUT, 1);
    private static final String CALLBACK_URL = "https://hooks.example.com/callback/secret-token-123456";
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(21);

    private static Map<String, Object> request(String prompt, long seconds) {
        return Map.of("prompt", prompt, "resolution", "480p", "duration", seconds);
    }

    private static long committable(LtxSinkTask task, TopicPartition tp, long consumed) {
        return task.preCommit(Map.of(tp, new OffsetAndMetadata(consumed))).get(tp).offset();
    }

    private static void awaitCommittable(LtxSinkTask task, TopicPartition tp, long consumed) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(committable(task, tp, consumed)).isEqualTo(consumed);
        });
    }

    private static TrackedRequest tracked(String connector, int partition, long offset) {
        return new TrackedRequest(new RequestIdentity(connector, SinkTaskHarness.INPUT, partition, offset), "k", "async", "auto", null, Map.of());
    }

    private static SinkRecord record(int partition, long offset, Map<String, Object> value) {
        return new SinkRecord(SinkTaskHarness.INPUT, partition, null, "k", null, value, offset, System.currentTimeMillis(),
                TimestampType.CREATE_TIME);
    }

    /**
     * Review D1 and D2: a rebalance hands the partition back while a create of the previous
     * ownership period is still unanswered. The redelivered record waits for that answer instead of
     * a second create, and nothing commits past it meanwhile.
     */
    @Test
    void aCreateAnsweredAfterItsPartitionMovedIsNeitherCreatedAgainNorCommittedEarly() {
        tasks.sim.setFaults(Faults.builder().latency(Endpoint.CREATE, 2_500).build());
        SinkTaskHarness h = tasks.start("late-answer").liveTopic().with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "300")
                .with(LtxSinkConfig.API_CONNECT_TIMEOUT_MS, "500").with(LtxSinkConfig.API_RESPONSE_TIMEOUT_MS, "5000");
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("slow to answer", 5))));
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.sim.stats().createCalls() == 1);

        task.close(List.of(P0)); // returns after the shutdown wait, the create still out
        task.open(List.of(P0));
        task.put(List.of(record(0, 0, request("slow to answer", 5)))); // Connect hands the record out again
        assertThat(committable(task, P0, 1)).as("nothing durable yet").isZero();

        awaitCommittable(task, P0, 1);
        assertThat(tasks.sim.stats().createsAccepted()).as("the late answer settled it: no second task").isEqualTo(1);
        assertThat(h.onTopic(TrackingRecordType.SUBMITTED)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(1);
        assertThat(h.onTopic(TrackingRecordType.INTENT)).hasSize(1);
    }

    /** Review D3: a rejection that names ambiguous attempts counts them live as a restart counts them from its record. */
    @Test
    void liveAndRestartedSpendAgreeOnARejectionNamingAmbiguousAttempts() {
        tasks.sim.setFaults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.SERVER_ERROR).build());
        SinkTaskHarness h = tasks.start("spend-ambiguous").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100")
                .with(LtxSinkConfig.CREATE_AMBIGUOUS_RETRIES, "1");
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("answers lost twice", 20))));
        awaitCommittable(task, P0, 1);
        TrackingRecord rejected = h.written(TrackingRecordType.REJECTED).get(0);
        assertThat(rejected.earlierAttempts()).extracting(Attempt::number).containsExactly(1, 2);
        long live = task.parts().costs.budget().remainingHour();

        h.stop();
        long restarted = h.start().parts().costs.budget().remainingHour();
        assertThat(live).as("two attempts of 20 s may be billed").isEqualTo(60);
        assertThat(restarted).isEqualTo(live);
    }

    /**
     * Review D4 and D8: a task adopted through its callback is recorded (a SUBMITTED record marked
     * adopted), so it counts against the caps live and after a restart, and the source can follow
     * it even if it let the request's INTENT go.
     */
    @Test
    void anAdoptedTaskIsRecordedAndCountsAgainstTheCaps() {
        SinkTaskHarness h = tasks.start("adopt-spend").with(LtxSinkConfig.REQUEST_TYPE, "callback").with(LtxSinkConfig.CALLBACK_URL, CALLBACK_URL)
                .with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100").shortAnswerBound();
        TrackedRequest orphan = tracked("adopt-spend", 0, 0);
        h.append(TrackingRecord.intent(orphan, 1, System.currentTimeMillis()));
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("orphan", 20))));
        h.append(TrackingRecord.callback(orphan.identity(), "task-from-before", System.currentTimeMillis(), "success", "{}"));
        awaitCommittable(task, P0, 1);

        TrackingRecord adopted = h.written(TrackingRecordType.SUBMITTED).get(0);
        assertThat(adopted.isAdopted()).isTrue();
        assertThat(adopted.taskId()).isEqualTo("task-from-before");
        assertThat(adopted.attempt()).isEqualTo(1);
        assertThat(tasks.sim.stats().createCalls()).isZero();
        long live = task.parts().costs.budget().remainingHour();
        h.stop();
        long restarted = h.start().parts().costs.budget().remainingHour();
        assertThat(live).isEqualTo(80);
        assertThat(restarted).isEqualTo(80);
    }

    /**
     * Review D4 and D8: the callback of an earlier owner's unanswered create is already on the
     * tracking topic when the partition is scanned. The task is adopted with a SUBMITTED record (not
     * skipped as handled), so it counts against the caps live and after a restart, and the source
     * follows it even if it let the request's INTENT go.
     */
    @Test
    void aCallbackFoundByTheScanAdoptsItsTaskWithARecord() {
        SinkTaskHarness h = tasks.start("adopt-scanned").with(LtxSinkConfig.REQUEST_TYPE, "callback")
                .with(LtxSinkConfig.CALLBACK_URL, CALLBACK_URL).with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100");
        TrackedRequest orphan = tracked("adopt-scanned", 0, 0);
        TrackedRequest noIntent = tracked("adopt-scanned", 0, 1); // its INTENT not found: the adopted attempt is unknown
        h.append(TrackingRecord.intent(orphan, 1, System.currentTimeMillis()));
        h.append(TrackingRecord.callback(orphan.identity(), "task-called-back", System.currentTimeMillis(), "success", "{}"));
        h.append(TrackingRecord.callback(noIntent.identity(), "task-without-intent", System.currentTimeMillis(), "success", "{}"));
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("orphan", 20)), record(0, 1, request("no intent", 10))));
        awaitCommittable(task, P0, 2);

        assertThat(h.written(TrackingRecordType.SUBMITTED)).hasSize(2).allMatch(TrackingRecord::isAdopted)
                .extracting(TrackingRecord::taskId, TrackingRecord::attempt)
                .containsExactly(tuple("task-called-back", 1), tuple("task-without-intent", null));
        assertThat(tasks.sim.stats().createCalls()).isZero();
        long live = task.parts().costs.budget().remainingHour();
        h.stop();
        task = h.start();
        assertThat(task.parts().costs.budget().remainingHour()).as("after a restart").isEqualTo(70);
        assertThat(live).isEqualTo(70);
        task.put(List.of(record(0, 0, request("orphan", 20)))); // redelivered again: now handled
        awaitCommittable(task, P0, 1);
        assertThat(h.written(TrackingRecordType.SUBMITTED)).isEmpty();
    }

    /** Review D5: a request found by the scan of its own partition is followed from that scan's end, not a later scan's. */
    @Test
    void theCallbackOfARequestFoundByAnEarlierScanIsNotMissed() {
        SinkTaskHarness h = tasks.start("scan-ends").liveTopic().with(LtxSinkConfig.REQUEST_TYPE, "callback")
                .with(LtxSinkConfig.CALLBACK_URL, CALLBACK_URL).shortAnswerBound();
        TrackedRequest orphan = tracked("scan-ends", 0, 1);
        h.append(TrackingRecord.intent(orphan, 1, System.currentTimeMillis()));
        LtxSinkTask task = h.start();
        h.context.assignment.add(P1);
        task.open(List.of(P1));
        task.put(List.of(record(0, 0, request("new on partition 0", 5)))); // partition 0 scanned
        awaitCommittable(task, P0, 1);
        h.append(TrackingRecord.callback(orphan.identity(), "t-orphan", System.currentTimeMillis(), "success", "{}"));
        task.put(List.of(record(1, 0, request("new on partition 1", 5)))); // partition 1 scanned: its scan read the callback
        awaitCommittable(task, P1, 1);

        task.put(List.of(record(0, 1, request("the orphan, in a later batch", 5))));
        awaitCommittable(task, P0, 2);
        assertThat(task.parts().metrics.total("requests-adopted")).isEqualTo(1);
        assertThat(tasks.sim.stats().createsAccepted()).as("only the two new requests").isEqualTo(2);
    }

    /**
     * Review D6: closing while a create waits to retry a failure that created nothing writes its
     * WITHDRAWN record at once, not when the retry's timer fires after the next owner has looked.
     */
    @Test
    void closingWhileARetryWaitsWritesItsWithdrawnRecordAtOnce() {
        tasks.sim.setFaults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorStatus(503).build());
        SinkTaskHarness h = tasks.start("withdraw-now").with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "300")
                .with(LtxSinkConfig.API_RETRY_BACKOFF_MS, "5000").with(LtxSinkConfig.API_RETRY_BACKOFF_MAX_MS, "5000");
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("declined for now", 5))));
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.sim.stats().createCalls() == 1);

        long started = System.nanoTime();
        task.close(List.of(P0));
        assertThat((System.nanoTime() - started) / 1_000_000).as("nothing on the wire to wait for").isLessThan(1_000);
        assertThat(h.written(TrackingRecordType.WITHDRAWN)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(1);
    }

    /** Suspicion checked (close against the INTENT's write): an INTENT acknowledged after its partition closed is never sent. */
    @Test
    void anIntentAcknowledgedAfterItsPartitionClosedIsWithdrawnNotSent() {
        SinkTaskHarness h = tasks.start("intent-race").manualAcks().with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "200");
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("closed while its INTENT was written", 5))));
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 1);

        task.close(List.of(P0));
        h.producer.completeNext(); // the INTENT is durable only now
        await().atMost(Duration.ofSeconds(5)).until(() -> h.producer.history().size() == 2);
        h.producer.completeNext();
        assertThat(h.written(TrackingRecordType.WITHDRAWN)).singleElement().extracting(TrackingRecord::attempt).isEqualTo(1);
        assertThat(tasks.sim.stats().createCalls()).isZero();
    }

    /** Review D11: a request waiting for its earlier create keeps put coming, though no input arrives. */
    @Test
    void waitingForAnEarlierCreateKeepsPutComingWithIdleInput() {
        SinkTaskHarness h = tasks.start("idle-wait").with(LtxSinkConfig.REQUEST_TYPE, "callback").with(LtxSinkConfig.CALLBACK_URL, CALLBACK_URL);
        h.append(TrackingRecord.intent(tracked("idle-wait", 0, 0), 1, System.currentTimeMillis()));
        LtxSinkTask task = h.start();
        task.put(List.of(record(0, 0, request("orphan", 5))));
        h.context.timeoutMs = -1;
        task.put(List.of());
        assertThat(h.context.timeoutMs).as("put is asked for again within a second, not at the next offset commit")
                .isBetween(1L, Backpressure.MAX_POLL_MS);
    }

    /**
     * Issue 24 item 10: closing some partitions waited for the creates of every partition, so each cooperative revocation
     * could stall for the whole shutdown wait behind another partition's slow create. It waits for its own only.
     */
    @Test
    void closingAPartitionDoesNotWaitForTheCreatesOfAnother() {
        tasks.sim.setFaults(Faults.builder().latency(Endpoint.CREATE, 3_000).build());
        SinkTaskHarness h = tasks.start("partial-close").with(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "2500")
                .with(LtxSinkConfig.API_RESPONSE_TIMEOUT_MS, "10000");
        LtxSinkTask task = h.start();
        h.context.assignment.add(P1);
        task.open(List.of(P1));
        task.put(List.of(record(1, 0, request("slow, on partition 1", 5))));
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.sim.stats().createCalls() == 1);

        long started = System.nanoTime();
        task.close(List.of(P0)); // nothing of partition 0 is out
        assertThat((System.nanoTime() - started) / 1_000_000).as("no wait for partition 1's create (2.5 s before)").isLessThan(1_000);
        awaitCommittable(task, P1, 1);
    }
}
