package io.ltx2.connect.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/security.md on a secured broker (SASL/PLAIN, the StandardAuthorizer, no ACL but those
 * granted): the workers run as {@code User:connect}, each connector's own clients as the principal
 * its {@code ltx.tracking.*} settings log in as, and each principal gets exactly the rows of the
 * documented ACL table. With them both connectors run the pipeline to its events, with the sink's
 * spend caps, concurrency cap and DLQ on and the source exactly-once. With one ACL left out, the
 * connector fails its task with a message that names the operation and the topic, instead of
 * retrying in silence.
 */
class SecuredClusterIT {
    /** Conditions of the table's rows that every pipeline here has: the workers run exactly-once source, the sink has a DLQ. */
    private static final Set<String> BASE = Set.of("always", "exactly-once source", "DLQ");
    private static final List<DocumentedAcls.Row> ROWS = DocumentedAcls.read();
    private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(60);

    private static SecuredCluster cluster;
    private static EmbeddedConnectCluster connect;
    private ApiSimulator sim;

    @BeforeAll
    static void startSecuredCluster() throws IOException {
        Map<String, String> workerNames = SecuredCluster.workerNames();
        List<AclBinding> workerAcls = DocumentedAcls.bindings(ROWS, r -> BASE.contains(r.needed())
                && DocumentedAcls.namesOnly(r, workerNames.keySet()), Map.of("worker", "User:" + SecuredCluster.WORKER), workerNames);
        cluster = SecuredCluster.start(List.of("ltx-sink", "ltx-source", "sink-nowrite", "sink-noread", "source-noread"), workerAcls);
        connect = cluster.connect;
    }

    @AfterAll
    static void stopSecuredCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void pipelineRunsToItsEventsWithExactlyTheDocumentedAcls() throws Exception {
        Set<String> conditions = Set.of("always", "exactly-once source", "DLQ", "spend caps", "concurrency cap");
        Pipeline p = pipeline("acl-ok", "ltx-sink", "ltx-source");
        p.sinkProps.put("ltx.sink.budget.video.seconds.per.hour", "100000");
        p.sinkProps.put("ltx.sink.concurrency.events.topic", p.events);
        grant(p, conditions, Optional.empty());
        p.start();

        Map<String, String> requests = new TreeMap<>();
        for (int i = 0; i < 8; i++) {
            requests.put("ok-" + i, "{\"request_id\":\"ok-" + i + "\",\"prompt\":\"A secured lighthouse, take " + i + "\"}");
        }
        requests.put("too-long", "{\"request_id\":\"too-long\",\"prompt\":\"A long one\",\"duration\":30}");
        requests.forEach((key, value) -> connect.kafka().produce(p.requests, key, value));
        connect.kafka().produce(p.requests, "not-json", "{\"prompt\": not json");

        Map<String, String> states = new TreeMap<>();
        for (JsonNode event : events(p, requests.size())) {
            assertThat(states.put(event.path("requestId").asText(), event.path("state").asText())).as("a second event").isNull();
        }
        Map<String, String> expected = new TreeMap<>();
        requests.keySet().forEach(id -> expected.put(id, id.startsWith("ok-") ? "success" : "rejected"));
        assertThat(states).isEqualTo(expected);
        assertThat(connect.kafka().consume(2, 30_000, p.dlq).count()).as("the rejected request and the unreadable record in the DLQ")
                .isGreaterThanOrEqualTo(2);
        assertThat(connect.kafka().describeTopics(p.tracking + ".budget").get(p.tracking + ".budget"))
                .as("the budget topic, created by the sink's own principal").isPresent();
        assertThat(sim.stats().tasksCreated()).isEqualTo(8);
        p.awaitRunning();
    }

    /** Callback mode: the receiver's own producer writes CALLBACK records as the source's principal, with the same ACLs. */
    @Test
    void callbackPipelineRunsWithTheSameAcls() throws Exception {
        Pipeline p = pipeline("acl-cb", "ltx-sink", "ltx-source").callbacks("secured-cb-token-5d2a9e");
        grant(p, BASE, Optional.empty());
        p.start();
        for (int i = 0; i < 4; i++) {
            connect.kafka().produce(p.requests, "cb-" + i, "{\"request_id\":\"cb-" + i + "\",\"prompt\":\"Called back, take " + i + "\"}");
        }
        assertThat(events(p, 4)).extracting(e -> e.path("state").asText()).containsOnly("success");
        assertThat(trackingRecordTypes(p)).as("CALLBACK records written by the receiver").contains("CALLBACK");
        p.awaitRunning();
    }

    @Test
    void sinkWithoutWriteOnTheTrackingTopicFailsNamingTheAcl() throws Exception {
        Pipeline p = sinkWithout("acl-nowrite", "sink-nowrite", AclOperation.WRITE, false);

        assertThat(failedTaskTrace(p.sinkName)).contains("may not write topic " + p.tracking, "ltx.tracking.*", "docs/security.md");
        assertThat(sim.stats().createCalls()).as("no create without its INTENT record").isZero();
    }

    /**
     * A fresh, empty tracking topic: the restart scan has nothing to fetch, so the first request goes out
     * (and is recorded: the sink may write); then the reader of RETRY records, which used to log a WARN on
     * every put and go on, fails the task, naming the ACL.
     */
    @Test
    void sinkWithoutReadOnAnEmptyTrackingTopicFailsNamingTheAcl() throws Exception {
        Pipeline p = sinkWithout("acl-sinknoread", "sink-noread", AclOperation.READ, false);

        assertThat(failedTaskTrace(p.sinkName)).contains("may not read topic " + p.tracking, "grant it Read on topic " + p.tracking,
                "RetryRequests.poll");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(trackingRecordTypes(p).stream().filter("SUBMITTED"::equals)
                .count()).as("every task created is recorded on the tracking topic").isEqualTo(sim.stats().tasksCreated()));
    }

    /** With earlier records on the tracking topic the restart scan must read them: it fails the task before any create. */
    @Test
    void sinkWithoutReadOnATrackingTopicWithHistoryFailsBeforeAnyCreate() throws Exception {
        Pipeline p = sinkWithout("acl-sinknoscan", "sink-noread", AclOperation.READ, true);

        assertThat(failedTaskTrace(p.sinkName)).contains("may not read topic " + p.tracking, "grant it Read on topic " + p.tracking,
                "TrackingTopicScan");
        assertThat(sim.stats().createCalls()).as("nothing submitted before its earlier attempts can be read").isZero();
    }

    @Test
    void sourceWithoutReadOnTheTrackingTopicFailsNamingTheAcl() throws Exception {
        Pipeline p = pipeline("acl-sourcenoread", "ltx-sink", "source-noread");
        grant(p, BASE, Optional.of(new Missing("User:source-noread", p.tracking, AclOperation.READ)));
        createTopics(p);
        connect.configureConnector(p.sourceName, p.sourceProps);

        assertThat(failedTaskTrace(p.sourceName)).contains("may not read topic " + p.tracking, "grant it Read on topic " + p.tracking);
    }

    /**
     * A sink running as {@code user}, with every documented ACL but {@code operation} on its tracking topic
     * (which holds one record of another connector when {@code history}), given one request.
     */
    private Pipeline sinkWithout(String name, String user, AclOperation operation, boolean history) throws IOException {
        Pipeline p = pipeline(name, user, "ltx-source");
        grant(p, BASE, Optional.of(new Missing("User:" + user, p.tracking, operation)));
        createTopics(p);
        if (history) {
            connect.kafka().produce(p.tracking, "an-earlier-record", "of another connector");
        }
        connect.configureConnector(p.sinkName, p.sinkProps);
        connect.kafka().produce(p.requests, name + "-1", "{\"request_id\":\"" + name + "-1\",\"prompt\":\"A request of " + name + "\"}");
        return p;
    }

    /** One ACL of the table left out. */
    private record Missing(String principal, String topic, AclOperation operation) {
    }

    /** A pipeline on the secured cluster: the sink's and the source's own clients log in as the given principals. */
    private Pipeline pipeline(String name, String sinkUser, String sourceUser) throws IOException {
        sim = Pipeline.simulator(Faults.NONE);
        Pipeline p = new Pipeline(name, connect, sim);
        p.sinkProps.putAll(cluster.trackingSettings(sinkUser));
        p.sourceProps.putAll(cluster.trackingSettings(sourceUser));
        p.sinkProps.put("tasks.max", "1");
        p.sourceProps.put("tasks.max", "2"); // two tasks: the worker fences their transactional ids
        return p;
    }

    /** Grants the documented rows of {@code conditions} for this pipeline's names, but {@code missing}. */
    private void grant(Pipeline p, Set<String> conditions, Optional<Missing> missing) {
        Map<String, String> names = new HashMap<>(SecuredCluster.workerNames());
        names.put("sink.name", p.sinkName);
        names.put("source.name", p.sourceName);
        names.put("topics", p.requests);
        names.put("errors.deadletterqueue.topic.name", p.dlq);
        names.put("ltx.events.topic", p.events);
        names.put("ltx.tracking.topic", p.tracking);
        names.put("ltx.sink.budget.topic", p.tracking + ".budget");
        names.put("ltx.sink.concurrency.events.topic", p.events);
        Map<String, String> principals = Map.of("worker", "User:" + SecuredCluster.WORKER,
                "sink", principalOf(p.sinkProps), "source", principalOf(p.sourceProps));
        List<AclBinding> bindings = new ArrayList<>(DocumentedAcls.bindings(ROWS, r -> conditions.contains(r.needed()), principals, names));
        missing.ifPresent(m -> assertThat(bindings.removeIf(b -> b.entry().principal().equals(m.principal())
                && b.pattern().name().equals(m.topic()) && b.entry().operation() == m.operation())).as("the table has %s", m).isTrue());
        cluster.grant(bindings);
    }

    private static String principalOf(Map<String, String> connectorProps) {
        String login = connectorProps.get("ltx.tracking.sasl.jaas.config"); // ${file:<path>:<user>}
        return "User:" + login.substring(login.lastIndexOf(':') + 1, login.length() - 1);
    }

    private void createTopics(Pipeline p) {
        for (String topic : List.of(p.requests, p.tracking, p.events, p.dlq)) {
            connect.kafka().createTopic(topic, 2);
        }
    }

    /** The trace of the connector's first task to fail; fails the test when none does within a minute. */
    private String failedTaskTrace(String connector) {
        List<String> traces = new ArrayList<>();
        await().atMost(FAILURE_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> { // no status right after the create
            ConnectorStateInfo status = connect.connectorStatus(connector);
            status.tasks().stream().filter(t -> "FAILED".equals(t.state())).map(ConnectorStateInfo.TaskState::trace).findFirst()
                    .ifPresent(traces::add);
            return !traces.isEmpty();
        });
        return traces.get(0);
    }

    /** The type headers of the pipeline's tracking records, read as the super user. */
    private List<String> trackingRecordTypes(Pipeline p) throws Exception {
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, Map.of(), null, p.tracking)) {
            Header type = r.headers().lastHeader(TrackingWriter.TYPE_HEADER);
            types.add(type == null ? "" : new String(type.value(), StandardCharsets.UTF_8));
        }
        return types;
    }

    /** {@code n} events of the pipeline, read committed; one more within two seconds fails. */
    private List<JsonNode> events(Pipeline p, int n) throws IOException {
        Map<String, Object> committed = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        connect.kafka().consume(n, 90_000, committed, p.events);
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JsonNode> events = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, committed, null, p.events)) {
                events.add(Json.MAPPER.readTree(new String(r.value(), StandardCharsets.UTF_8)));
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading " + p.events, e);
        }
        assertThat(events).as("events on %s", p.events).hasSize(n);
        return events;
    }
}
