package io.ltx2.connect.bench;

import io.ltx2.connect.LtxSourceConnector;
import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One KRaft broker and Connect workers in this JVM, shared by the scenarios, plus the connector configs they use. */
final class BenchKafka implements AutoCloseable {
    static final String API_KEY = "bench-api-key-6c1f";

    private final EmbeddedConnectCluster connect;

    private BenchKafka(EmbeddedConnectCluster connect) {
        this.connect = connect;
    }

    static BenchKafka start(int workers) {
        Map<String, String> w = new HashMap<>();
        w.put("plugin.discovery", "service_load");
        w.put("offset.flush.interval.ms", "1000");
        w.put("scheduled.rebalance.max.delay.ms", "2000");
        Properties b = new Properties();
        b.put("auto.create.topics.enable", "false");
        b.put("transaction.state.log.replication.factor", "1");
        b.put("transaction.state.log.min.isr", "1");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name("ltx-bench").numBrokers(1).numWorkers(workers)
                .workerProps(w).brokerProps(b).build();
        cluster.start();
        return new BenchKafka(cluster);
    }

    EmbeddedConnectCluster connect() {
        return connect;
    }

    String bootstrap() {
        return connect.kafka().bootstrapServers();
    }

    void createTopics(int partitions, String... topics) {
        for (String t : topics) {
            connect.kafka().createTopic(t, partitions);
        }
    }

    /** Writes request records (key = request id, value = JSON) and waits until all are acknowledged. */
    void produce(String topic, List<Workload.Request> requests) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Workload.Request r : requests) {
                producer.send(new ProducerRecord<>(topic, r.id(), r.json()));
            }
            producer.flush();
        }
    }

    void startConnector(String name, Map<String, String> props) throws InterruptedException {
        connect.configureConnector(name, props);
        int tasks = Integer.parseInt(props.getOrDefault("tasks.max", "1"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "connector " + name + " did not start");
    }

    void deleteConnector(String name) {
        try {
            connect.deleteConnector(name);
        } catch (RuntimeException e) {
            // best effort: the scenario is over
        }
    }

    ConnectorStateInfo status(String name) {
        return connect.connectorStatus(name);
    }

    /**
     * Our sink at a time scale: the connector's own defaults, with budgets and backoffs expressed in API
     * time (through {@link TimeScaledLtxSinkConnector}, which validates the budget in API time).
     */
    Map<String, String> sinkProps(ApiSimulator sim, String topic, String tracking, double scale, int tasks) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", TimeScaledLtxSinkConnector.class.getName());
        c.put(TimeScaledLtxSinkConnector.TIME_SCALE, String.valueOf(scale));
        c.put("tasks.max", String.valueOf(tasks));
        c.put("topics", topic);
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", JsonConverter.class.getName());
        c.put("value.converter.schemas.enable", "false");
        c.put("ltx.api.url", sim.baseUrl());
        c.put("ltx.api.key", API_KEY);
        c.put("ltx.tracking.topic", tracking);
        c.put("ltx.tracking.bootstrap.servers", bootstrap());
        c.put("ltx.api.rate.limit.per.minute", String.valueOf(Math.round(4_500 / scale)));
        // The key's limit in wall time: the simulator's 10,000 calls per API minute, time-scaled.
        c.put("ltx.quota.key.calls.per.minute", String.valueOf(Math.round(10_000 / scale)));
        c.put("ltx.api.retry.backoff.ms", String.valueOf(Math.max(10, Math.round(500 * scale))));
        c.put("ltx.api.retry.backoff.max.ms", String.valueOf(Math.max(100, Math.round(30_000 * scale))));
        c.put("errors.tolerance", "all");
        return c;
    }

    /** Our source at a time scale: the default schedule's settings multiplied by the scale. */
    Map<String, String> sourceProps(ApiSimulator sim, String tracking, String events, double scale, int tasks) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", LtxSourceConnector.class.getName());
        c.put("tasks.max", String.valueOf(tasks));
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", JsonConverter.class.getName());
        c.put("value.converter.schemas.enable", "false");
        c.put("ltx.api.url", sim.baseUrl());
        c.put("ltx.api.key", API_KEY);
        c.put("ltx.tracking.topic", tracking);
        c.put("ltx.tracking.bootstrap.servers", bootstrap());
        c.put("ltx.events.topic", events);
        c.put("ltx.api.rate.limit.per.minute", String.valueOf(Math.round(4_500 / scale)));
        // The key's limit in wall time: the simulator's 10,000 calls per API minute, time-scaled.
        c.put("ltx.quota.key.calls.per.minute", String.valueOf(Math.round(10_000 / scale)));
        c.put("ltx.api.retry.backoff.ms", String.valueOf(Math.max(10, Math.round(500 * scale))));
        c.put("ltx.api.retry.backoff.max.ms", String.valueOf(Math.max(100, Math.round(30_000 * scale))));
        c.put("ltx.poll.time.scale", String.valueOf(scale));
        c.put("ltx.poll.min.interval.ms", String.valueOf(Math.max(1, Math.round(2_000 * scale))));
        c.put("ltx.poll.max.interval.ms", String.valueOf(Math.max(1, Math.round(30_000 * scale))));
        c.put("ltx.poll.target.delay.ms", String.valueOf(Math.max(1, Math.round(4_000 * scale))));
        c.put("ltx.poll.fixed.initial.delay.ms", String.valueOf(Math.round(60_000 * scale)));
        c.put("ltx.poll.fixed.interval.ms", String.valueOf(Math.max(1, Math.round(5_000 * scale))));
        c.put("ltx.task.timeout.ms", String.valueOf(Math.round(30 * 60_000 * scale)));
        c.put("ltx.notfound.grace.ms", String.valueOf(Math.max(1_000, Math.round(120_000 * scale))));
        c.put("ltx.partition.check.interval.ms", "5000");
        return c;
    }

    Map<String, String> naiveProps(ApiSimulator sim, String topic) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", NaiveBlockingSinkConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("key.converter", StringConverter.class.getName());
        c.put("value.converter", JsonConverter.class.getName());
        c.put("value.converter.schemas.enable", "false");
        c.put(NaiveBlockingSinkConnector.API_URL, sim.baseUrl());
        c.put(NaiveBlockingSinkConnector.API_KEY, API_KEY);
        return c;
    }

    @Override
    public void close() {
        connect.stop();
    }
}
