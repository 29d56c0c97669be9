package io.ltx2.connect.reliability;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 21's fault rows: a consumer-group rebalance of the sink (one task restarted, the other
 * keeps running and has its partitions taken and given back) while creates hang longer than the
 * sink's shutdown wait, so their answers come after the partitions moved. On two real workers, in
 * polling and in callback mode: every task the API created is named on its request's event, each
 * request has one event, and no input offset is ever committed past a request whose create is still
 * unanswered.
 */
class PipelineRebalanceFaultsIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 40;
    /** Each create is answered this long after it arrives: longer than the shutdown wait below. */
    private static final long CREATE_LATENCY_MS = 6_000;

    // The shared cluster's workers commit offsets every 500 ms (ItCluster), so a commit past an unanswered create
    // would show while the creates hang.
    PipelineRebalanceFaultsIT() {
        super("rel-rebalance", Duration.ofSeconds(120), Duration.ofSeconds(3));
    }

    @Test
    void rebalanceWithCreatesHangingPastTheShutdownWaitInPollingMode() throws Exception {
        Pipeline p = hanging(pipeline("rebalance-poll"));
        p.start();
        runRebalanceRow(p, "rebalance, creates answered 6 s late (polling)");
    }

    @Test
    void rebalanceWithCreatesHangingPastTheShutdownWaitInCallbackMode() throws Exception {
        Pipeline p = hanging(pipeline("rebalance-cb")).callbacks("cb-rebalance-token-7e21a9");
        p.start();
        runRebalanceRow(p, "rebalance, creates answered 6 s late (callbacks)");
    }

    private Pipeline hanging(Pipeline p) {
        p.sinkProps.put(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, "1000");
        // Twice the 6 s the creates hang, so they are answered, not timed out; the next owner of a partition waits
        // these two time-outs and a margin for the earlier owner's answers before it creates again.
        p.sinkProps.put("ltx.api.connect.timeout.ms", "2000");
        p.sinkProps.put("ltx.api.response.timeout.ms", "12000");
        p.sourceProps.put("ltx.api.response.timeout.ms", "12000");
        return p;
    }

    private void runRebalanceRow(Pipeline p, String row) throws Exception {
        Set<String> violations = new java.util.LinkedHashSet<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers()))) {
            // Both sink tasks own input partitions, so that each has creates out.
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeConsumerGroups(List.of("connect-" + p.sinkName))
                    .all().get().get("connect-" + p.sinkName).members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count() == 2);
            sim.setFaults(Faults.builder().latency(Endpoint.CREATE, CREATE_LATENCY_MS).build());
            List<String> ids = p.produce(REQUESTS);
            await().atMost(Duration.ofSeconds(60)).until(() -> sim.stats().createCalls() >= REQUESTS);

            // Task 1 restarts: its consumer leaves and joins again, and task 0 keeps running, its partitions revoked
            // and assigned anew while its creates are still out.
            connect.restartTask(p.sinkName, 1);
            long until = System.nanoTime() + Duration.ofMillis(3 * CREATE_LATENCY_MS).toNanos();
            while (System.nanoTime() < until) {
                violations.addAll(commitsPastUnansweredCreates(admin, p));
                Thread.sleep(500);
            }
            sim.setFaults(Faults.NONE);
            PipelineLedger ledger = settle(p, row, ids).assertExactlyOneEventPerRequest();
            violations.addAll(commitsPastUnansweredCreates(admin, p));
            assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        }
        assertThat(violations).as("input offsets committed past a request whose create was not answered").isEmpty();
        p.deleteConnectors();
    }

    /**
     * The sink's committed input offsets, read first, against the tracking topic read after: a
     * request with an INTENT and no SUBMITTED or REJECTED yet must not lie below its partition's
     * committed offset (reading the commits first makes a create answered in between look answered,
     * never the other way round).
     */
    private List<String> commitsPastUnansweredCreates(Admin admin, Pipeline p) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("connect-" + p.sinkName)
                .partitionsToOffsetAndMetadata().get();
        Set<RequestIdentity> intents = new HashSet<>();
        Set<RequestIdentity> answered = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, p.tracking)) {
            TrackingRecord t = TrackingRecordCodec.decode(r.value());
            if (t.type() == TrackingRecordType.INTENT) {
                intents.add(t.identity());
            } else if (t.type() == TrackingRecordType.SUBMITTED || t.type() == TrackingRecordType.REJECTED) {
                answered.add(t.identity());
            }
        }
        Map<TopicPartition, Long> lowestUnanswered = new HashMap<>();
        intents.stream().filter(id -> !answered.contains(id)).forEach(id ->
                lowestUnanswered.merge(new TopicPartition(id.topic(), id.partition()), id.offset(), Math::min));
        List<String> out = new ArrayList<>();
        lowestUnanswered.forEach((tp, offset) -> {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null && c.offset() > offset) {
                out.add(tp + ": committed " + c.offset() + " past unanswered request at offset " + offset);
            }
        });
        return out;
    }
}
