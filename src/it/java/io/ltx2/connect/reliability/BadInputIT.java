package io.ltx2.connect.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.it.Futures;
import org.apache.kafka.clients.producer.RecordMetadata;
import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.LtxSinkConnector;
import io.ltx2.connect.LtxSourceConnector;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants 1 and 5: bad records, bad configurations and bad API answers, on a real broker and worker. */
class BadInputIT {
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startCluster() {
        connect = ItCluster.shared();
    }

    @AfterAll
    static void stopCluster() {
        ItCluster.releaseShared();
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /** Malformed request values, by the request id each carries (as its key); each must be rejected or dead-lettered. */
    private static Map<String, byte[]> malformedRecords() {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("bad-wrong-types", "{\"prompt\":\"ok\",\"duration\":\"ten\",\"seed\":[1]}");
        json.put("bad-missing-prompt", "{\"mode\":\"text-to-video\",\"duration\":5}");
        json.put("bad-prompt-too-long", "{\"prompt\":\"" + repeat('p', 5_001) + "\"}");
        json.put("bad-duration-4", "{\"prompt\":\"short\",\"duration\":4}");
        json.put("bad-duration-21", "{\"prompt\":\"long\",\"duration\":21}");
        json.put("bad-unknown-mode", "{\"prompt\":\"m\",\"mode\":\"video-to-video\"}");
        json.put("bad-image-mode-no-image", "{\"prompt\":\"i\",\"mode\":\"image-to-video\"}");
        json.put("bad-two-images", "{\"prompt\":\"i\",\"mode\":\"image-to-video\",\"image_urls\":[\"https://a.test/1.png\",\"https://a.test/2.png\"]}");
        json.put("bad-aspect-in-image-mode", "{\"prompt\":\"i\",\"mode\":\"image-to-video\",\"image_urls\":[\"https://a.test/1.png\"],\"aspect_ratio\":\"16:9\"}");
        String lora = "{\"path\":\"https://h.test/l?download=true\",\"scale\":1.0}";
        json.put("bad-four-loras", "{\"prompt\":\"l\",\"mode\":\"text-to-video-LoRA\",\"loras\":[" + String.join(",", lora, lora, lora, lora) + "]}");
        json.put("bad-lora-without-path", "{\"prompt\":\"l\",\"mode\":\"text-to-video-LoRA\",\"loras\":[{\"scale\":1.0}]}");
        json.put("bad-seed-0", "{\"prompt\":\"s\",\"seed\":0}");
        json.put("bad-seed-2pow31", "{\"prompt\":\"s\",\"seed\":2147483648}");
        json.put("bad-huge-record", "{\"prompt\":\"" + repeat('h', 400_000) + "\"}");
        json.put("bad-array-value", "[1,2,3]");
        json.put("bad-number-value", "42");
        Map<String, byte[]> out = new LinkedHashMap<>();
        json.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        out.put("bad-tombstone", null);
        out.put("dlq-not-json", "{\"prompt\": not json".getBytes(StandardCharsets.UTF_8));
        out.put("dlq-not-utf8", new byte[]{'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '"', '}'});
        return out;
    }

    @Test
    void malformedRequestRecordsEndAsRejectedEventsOrDeadLettersAndTheValidOnesAroundThemSucceed() throws Exception {
        try (ApiSimulator sim = Pipeline.simulator(Faults.NONE)) {
            Pipeline p = new Pipeline("badrecords", connect, sim);
            p.sinkProps.put("tasks.max", "1");
            p.sinkProps.put("consumer.override.max.partition.fetch.bytes", "2000000");
            p.sourceProps.put("tasks.max", "1");
            Map<String, byte[]> bad = malformedRecords();
            connect.kafka().createTopic(p.requests, 1);
            connect.kafka().createTopic(p.tracking, 2);
            connect.kafka().createTopic(p.events, 1);
            connect.kafka().createTopic(p.dlq, 1);
            connect.configureConnector(p.sourceName, p.sourceProps);
            connect.configureConnector(p.sinkName, p.sinkProps);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(p.sourceName, 1, "source did not start");
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(p.sinkName, 1, "sink did not start");

            // One partition, so every bad record sits between two valid ones in the same batch stream.
            // A request is its record: the ledger counts events by topic-partition-offset.
            Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
            List<String> validIds = new ArrayList<>();
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                int i = 0;
                Consumer<Integer> sendValid = n -> {
                    String id = "good-" + n;
                    validIds.add(id);
                    sent.put(id, producer.send(new ProducerRecord<>(p.requests, id.getBytes(StandardCharsets.UTF_8),
                            ("{\"request_id\":\"" + id + "\",\"prompt\":\"A valid neighbour " + n + "\"}").getBytes(StandardCharsets.UTF_8))));
                };
                for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                    sendValid.accept(i++);
                    sent.put(e.getKey(), producer.send(new ProducerRecord<>(p.requests, e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue())));
                }
                sendValid.accept(i);
                producer.flush();
            }
            Map<String, String> recordOf = new HashMap<>();
            sent.forEach((id, f) -> {
                RecordMetadata m = Futures.get(f);
                recordOf.put(id, m.topic() + "-" + m.partition() + "-" + m.offset());
            });
            List<String> valid = validIds.stream().map(recordOf::get).toList();
            List<String> rejectedIds = bad.keySet().stream().filter(k -> k.startsWith("bad-")).toList();
            List<String> all = new ArrayList<>(valid);
            rejectedIds.forEach(id -> all.add(recordOf.get(id)));
            PipelineLedger ledger = PipelineLedger.settle("bad input: " + bad.size() + " malformed records between valid ones",
                    p.startedNanos, sim, connect.kafka().bootstrapServers(), p.events, all, SETTLE, Duration.ofSeconds(2));
            ledger.assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
            assertThat(ledger.count("success")).isEqualTo(valid.size());
            assertThat(ledger.count("rejected")).isEqualTo(rejectedIds.size());
            for (String id : rejectedIds) {
                JsonNode event = ledger.lastEventByRequest.get(recordOf.get(id));
                assertThat(event.path("failCode").asText()).as(id).isEqualTo("INVALID_REQUEST");
                assertThat(event.path("failMsg").asText()).as(id).isNotBlank();
                assertThat(event.path("requestId").asText()).as(id).isEqualTo(id);
            }
            assertThat(sim.stats().tasksCreated()).as("nothing malformed reached the API").isEqualTo(valid.size());

            // Every malformed record is also in the DLQ, with the reason in Connect's error headers;
            // the two the converter cannot read are only there.
            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consume(bad.size(), 30_000, p.dlq)) {
                Header h = r.headers().lastHeader("__connect.errors.exception.message");
                reasons.put(new String(r.key(), StandardCharsets.UTF_8), h == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(bad.keySet());
            assertThat(reasons.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
            assertThat(reasons.get("bad-duration-4")).contains("duration");
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(p.sinkName, 1, "sink stopped on bad input");
            p.deleteConnectors();
        }
    }

    private static Map<String, String> errors(ConfigInfos infos) {
        Map<String, String> out = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                out.put(info.configValue().name(), String.join("; ", info.configValue().errors()));
            }
        }
        return out;
    }

    @Test
    void badConfigurationsFailAtValidateWithAMessageOnTheKeyToFix() throws Exception {
        try (ApiSimulator sim = Pipeline.simulator(Faults.NONE)) {
            Pipeline p = new Pipeline("badconfig", connect, sim);
            record Case(String what, boolean sink, Map<String, String> change, String key, String remove) {
            }
            List<Case> cases = List.of(
                    new Case("missing API key", true, Map.of(), "ltx.api.key", "ltx.api.key"),
                    new Case("bad URL", true, Map.of("ltx.api.url", "not a url"), "ltx.api.url", null),
                    new Case("unknown request type", true, Map.of("ltx.request.type", "sometimes"), "ltx.request.type", null),
                    new Case("unknown resolution", true, Map.of("ltx.default.resolution", "4k"), "ltx.default.resolution", null),
                    new Case("unknown poll schedule", false, Map.of("ltx.poll.schedule", "eager"), "ltx.poll.schedule", null),
                    new Case("negative in-flight limit", true, Map.of("ltx.sink.max.in.flight", "-1"), "ltx.sink.max.in.flight", null),
                    new Case("negative rate limit", false, Map.of("ltx.api.rate.limit.per.minute", "-5"), "ltx.api.rate.limit.per.minute", null),
                    new Case("negative ambiguous retries", true, Map.of("ltx.sink.create.ambiguous.retries", "-1"), "ltx.sink.create.ambiguous.retries", null),
                    new Case("callback mode without URL", true, Map.of("ltx.request.type", "callback"), "ltx.callback.url", null),
                    new Case("callback URL in async mode", true, Map.of("ltx.callback.url", "https://hooks.example.com/x"), "ltx.callback.url", null),
                    new Case("callback receiver without token", false, Map.of("ltx.callback.enabled", "true"), "ltx.callback.token", null),
                    new Case("rate over the API's limit", true, Map.of("ltx.api.rate.limit.per.minute", "20000"), "ltx.api.rate.limit.per.minute", null),
                    new Case("events topic = tracking topic", false, Map.of("ltx.events.topic", p.tracking), "ltx.events.topic", null),
                    new Case("poll max below min", false, Map.of("ltx.poll.min.interval.ms", "5000", "ltx.poll.max.interval.ms", "100"),
                            "ltx.poll.max.interval.ms", null));
            for (Case c : cases) {
                Map<String, String> props = new HashMap<>(c.sink() ? p.sinkProps : p.sourceProps);
                props.put("name", c.sink() ? p.sinkName : p.sourceName);
                props.putAll(c.change());
                if (c.remove() != null) {
                    props.remove(c.remove());
                }
                String cls = c.sink() ? LtxSinkConnector.class.getSimpleName() : LtxSourceConnector.class.getSimpleName();
                Map<String, String> errors = errors(connect.validateConnectorConfig(cls, props));
                assertThat(errors).as(c.what()).containsKey(c.key());
                assertThat(errors.get(c.key())).as(c.what()).isNotBlank();
            }
            // And the unchanged configs are valid.
            p.sinkProps.put("name", p.sinkName);
            p.sourceProps.put("name", p.sourceName);
            assertThat(errors(connect.validateConnectorConfig(LtxSinkConnector.class.getSimpleName(), p.sinkProps))).isEmpty();
            assertThat(errors(connect.validateConnectorConfig(LtxSourceConnector.class.getSimpleName(), p.sourceProps))).isEmpty();
        }
    }

    @Test
    void malformedStatusAnswersEndAsAClearFailedEventAndTheTaskKeepsRunning() throws Exception {
        try (ApiSimulator sim = Pipeline.simulator(Faults.NONE)) {
            Pipeline p = new Pipeline("badanswers", connect, sim);
            p.sinkProps.put("tasks.max", "1");
            p.sourceProps.put("tasks.max", "1");
            p.start();
            sim.setFaults(Faults.builder().malformedStatus(1.0, Faults.MalformedKind.NOT_JSON, Faults.MalformedKind.MISSING_DATA,
                    Faults.MalformedKind.RESULT_NOT_JSON).build());
            List<String> ids = p.produce(20);

            PipelineLedger ledger = PipelineLedger.settle("status answers malformed (not JSON, no data, bad resultJson)", p.startedNanos,
                    sim, connect.kafka().bootstrapServers(), p.events, ids, SETTLE, Duration.ofSeconds(2));
            ledger.assertExactlyOneEventPerRequest().assertDuplicateSubmissionsAtMost(0);
            assertThat(ledger.failCodes).containsOnlyKeys("MALFORMED_RESPONSE");
            assertThat(ledger.count("failed")).isEqualTo(ids.size());

            // Unknown states are not terminal: once the answers are sane again, the same task resolves.
            sim.setFaults(Faults.builder().malformedStatus(1.0, Faults.MalformedKind.UNKNOWN_STATE).build());
            List<String> more = p.produce(10);
            Thread.sleep(2_000);
            sim.setFaults(Faults.NONE);
            PipelineLedger after = PipelineLedger.settle("status answers with an unknown state for 2 s", p.startedNanos,
                    sim, connect.kafka().bootstrapServers(), p.events, more, SETTLE, Duration.ofSeconds(2));
            after.assertExactlyOneEventPerRequest();
            assertThat(after.count("success")).isEqualTo(more.size());
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(p.sourceName, 1, "source stopped on bad answers");
            p.deleteConnectors();
        }
    }
}
