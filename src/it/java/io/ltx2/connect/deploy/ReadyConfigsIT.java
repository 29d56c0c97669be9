package io.ltx2.connect.deploy;

import io.ltx2.connect.LtxSourceConnector;
import io.ltx2.connect.demo.ConnectorConfigFile;
import io.ltx2.connect.it.Pipeline;
import io.ltx2.connect.it.PipelineLedger;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ready configs ({@code config/ltx-sink.json}, {@code config/ltx-source.json}) deploy unchanged on
 * a worker with Connect's default settings and on one with exactly-once source enabled, on a broker
 * with {@code auto.create.topics.enable=false}: the events topic is created by Connect from the
 * source's {@code topic.creation.*} keys (KIP-158); the tracking and request topics are created
 * beforehand, as docs/operations.md says. On the default worker the events are written without
 * transactions; on the exactly-once worker each source task commits transactions.
 */
class ReadyConfigsIT {
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final int REQUESTS = 8;

    @Test
    void readyConfigsDeployAndRunOnAWorkerWithDefaultSettingsWithoutTransactions() throws Exception {
        EmbeddedConnectCluster connect = ReadyConfigs.start("ready-default", false);
        try (ApiSimulator sim = Pipeline.simulator(Faults.NONE)) {
            ConnectorConfigFile source = ReadyConfigs.read("ltx-source.json", connect, sim.baseUrl());
            assertThat(errors(connect, source)).as("the ready source config validates on a default worker").isEmpty();
            ConnectorConfigFile required = source.with(Map.of("exactly.once.support", "required"));
            assertThat(errors(connect, required)).as("what the ready config said before: refused on a default worker")
                    .containsExactly("exactly.once.support: This worker does not have exactly-once source support enabled.");

            Run run = deployAndRun(connect, sim, "default");
            assertThat(ReadyConfigs.transactionsOf(connect, run.source)).as("no transactional producer for the source's tasks").isEmpty();
            assertThat(ReadyConfigs.endOffsets(connect, run.events, run.partitions)).as("records only, no transaction markers")
                    .isEqualTo(run.ledger.terminalEvents);
        } finally {
            connect.stop();
        }
    }

    @Test
    void readyConfigsRunInTransactionsOnAWorkerWithExactlyOnceSourceEnabled() throws Exception {
        EmbeddedConnectCluster connect = ReadyConfigs.start("ready-eos", true);
        try (ApiSimulator sim = Pipeline.simulator(Faults.NONE)) {
            ConnectorConfigFile source = ReadyConfigs.read("ltx-source.json", connect, sim.baseUrl());
            assertThat(errors(connect, source)).isEmpty();
            assertThat(errors(connect, source.with(Map.of("exactly.once.support", "required"))))
                    .as("'required' validates too where the worker has it").isEmpty();

            Run run = deployAndRun(connect, sim, "eos");
            List<TransactionListing> transactions = ReadyConfigs.transactionsOf(connect, run.source);
            assertThat(transactions).as("one transactional id per source task").hasSize(2);
            assertThat(transactions).extracting(TransactionListing::state).as("none aborted")
                    .doesNotContain(TransactionState.COMPLETE_ABORT, TransactionState.PREPARE_ABORT);
            assertThat(ReadyConfigs.endOffsets(connect, run.events, run.partitions)).as("records and commit markers")
                    .isGreaterThan(run.ledger.terminalEvents);
        } finally {
            connect.stop();
        }
    }

    private record Run(String source, String events, int partitions, PipelineLedger ledger) {
    }

    /** The operator's part (tracking and request topics), both ready configs, then requests to their events. */
    private static Run deployAndRun(EmbeddedConnectCluster connect, ApiSimulator sim, String row) throws Exception {
        ConnectorConfigFile sink = ReadyConfigs.read("ltx-sink.json", connect, sim.baseUrl());
        ConnectorConfigFile source = ReadyConfigs.read("ltx-source.json", connect, sim.baseUrl());
        String events = source.config().get("ltx.events.topic");
        String requests = sink.config().get("topics");
        connect.kafka().createTopic(source.config().get("ltx.tracking.topic"), 4);
        connect.kafka().createTopic(requests, 2);
        assertThat(connect.kafka().describeTopics(events).get(events)).as("the events topic does not exist before").isEmpty();

        connect.configureConnector(source.name(), source.restConfig());
        connect.configureConnector(sink.name(), sink.restConfig());
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(source.name(), 2, "ready source did not start");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink.name(), 2, "ready sink did not start");

        long started = System.nanoTime();
        List<String> records = ReadyConfigs.produceRequests(connect, requests, row, REQUESTS);
        // Connect creates the events topic as the first event goes out.
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> connect.kafka().describeTopics(events).get(events).isPresent());
        PipelineLedger ledger = PipelineLedger.settle("ready configs, " + row + " worker", started, sim, connect.kafka().bootstrapServers(),
                events, records, SETTLE, Duration.ofSeconds(2)).assertExactlyOneEventPerRequest();
        assertThat(ledger.count("success")).isEqualTo(REQUESTS);

        Optional<TopicDescription> created = connect.kafka().describeTopics(events).get(events);
        assertThat(created).as("Connect created the events topic (topic.creation.default.*)").isPresent();
        int partitions = created.get().partitions().size();
        assertThat(partitions).isEqualTo(Integer.parseInt(source.config().get("topic.creation.default.partitions")));
        return new Run(source.name(), events, partitions, ledger);
    }

    /** The validation errors of a source config, as {@code key: message}. */
    private static List<String> errors(EmbeddedConnectCluster connect, ConnectorConfigFile config) {
        ConfigInfos infos = connect.validateConnectorConfig(LtxSourceConnector.class.getSimpleName(), config.restConfig());
        return infos.configs().stream().map(ConfigInfo::configValue)
                .flatMap(v -> v.errors().stream().map(e -> v.name() + ": " + e)).toList();
    }
}
