package io.ltx2.connect.deploy;

import io.ltx2.connect.it.Futures;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineFaultsFixture;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.it.SourceIt;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Single message transforms on both connectors (manifest.json declares them supported), on a real
 * broker and workers. The sink unwraps enveloped requests with {@code ExtractField$Value} and renames
 * their topic with {@code RegexRouter}: requests are still known by their original coordinates
 * (KIP-793), so each gets one event naming its real record, and the input offsets commit on the
 * original topic. The source re-keys events by task id ({@code ValueToKey} + {@code ExtractField$Key})
 * and enriches them ({@code InsertField$Value}): still one event per request.
 */
class TransformsIT extends PipelineFaultsFixture {
    private static final int REQUESTS = 12;

    TransformsIT() {
        super("transforms", Duration.ofSeconds(90), Duration.ofSeconds(2));
    }

    @Test
    void envelopedRequestsAndRekeyedEnrichedEventsStillGiveOneEventPerRequest() throws Exception {
        Pipeline p = pipeline("smt");
        p.sinkProps.putAll(Map.of(
                "transforms", "unwrap,route",
                "transforms.unwrap.type", "org.apache.kafka.connect.transforms.ExtractField$Value",
                "transforms.unwrap.field", "request",
                "transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.route.regex", "requests-(.*)",
                "transforms.route.replacement", "renamed-$1"));
        p.sourceProps.putAll(Map.of(
                "transforms", "rekey,taskIdKey,enrich",
                "transforms.rekey.type", "org.apache.kafka.connect.transforms.ValueToKey",
                "transforms.rekey.fields", "taskId",
                "transforms.taskIdKey.type", "org.apache.kafka.connect.transforms.ExtractField$Key",
                "transforms.taskIdKey.field", "taskId",
                "transforms.enrich.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.enrich.static.field", "pipeline",
                "transforms.enrich.static.value", "video-team",
                "transforms.enrich.timestamp.field", "emittedAt"));
        p.start();

        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            keys.add("env-" + i);
            values.add("{\"meta\":{\"app\":\"web\",\"user\":" + i + "},\"request\":{\"request_id\":\"env-" + i
                    + "\",\"prompt\":\"An enveloped request, clip " + i + "\",\"resolution\":\"480p\",\"duration\":5}}");
        }
        keys.add("no-envelope");
        values.add("{\"prompt\":\"No envelope: ExtractField gives null\"}");
        List<String> records = p.produce(keys, values);

        PipelineLedger ledger = settle(p, "SMTs on both connectors", records).assertExactlyOneEventPerRequest();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);
        assertThat(ledger.count("rejected")).as("the record without an envelope is rejected, not lost").isEqualTo(1);
        assertThat(sim.stats().tasksCreated()).isEqualTo(REQUESTS);

        List<SourceIt.Event> events = SourceIt.readEvents(connect.kafka().bootstrapServers(), p.events, REQUESTS + 1, Duration.ofSeconds(30),
                Duration.ZERO);
        assertThat(events).hasSize(REQUESTS + 1).allSatisfy(e -> {
            assertThat(e.value().path("sourceTopic").asText()).as("the original topic, not the renamed one").isEqualTo(p.requests);
            assertThat(e.headers().get("ltx.request.identity")).startsWith(p.sinkName + ":" + p.requests + ":");
            assertThat(e.value().path("pipeline").asText()).isEqualTo("video-team");
            assertThat(e.value().path("emittedAt").isIntegralNumber()).as("InsertField's timestamp").isTrue();
        });
        assertThat(events).filteredOn(e -> e.state().equals("success")).allSatisfy(e -> {
            assertThat(e.key()).as("re-keyed by task id").isEqualTo(e.value().path("taskId").asText());
            assertThat(e.value().path("requestId").asText()).as("the unwrapped request's id").startsWith("env-");
            assertThat(e.value().path("input").asText()).doesNotContain("meta");
        });

        // The input offsets commit on the original topic's partitions (an SMT-renamed topic is not Connect's to commit).
        long produced = records.size();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(committed(p)).isEqualTo(produced));
        p.deleteConnectors();
    }

    /** The sum of the sink's committed input offsets on the request topic. */
    private long committed(Pipeline p) {
        try (Admin admin = connect.kafka().createAdminClient()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = Futures.get(admin.listConsumerGroupOffsets("connect-" + p.sinkName)
                    .partitionsToOffsetAndMetadata());
            assertThat(offsets.keySet()).extracting(TopicPartition::topic).containsOnly(p.requests);
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }
}
