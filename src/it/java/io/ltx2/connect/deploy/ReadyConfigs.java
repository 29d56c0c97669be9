package io.ltx2.connect.deploy;

import io.ltx2.connect.demo.ConnectorConfigFile;
import io.ltx2.connect.it.Futures;
import io.ltx2.connect.it.ItCluster;
import io.ltx2.connect.it.Pipeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

/**
 * The ready connector configs of {@code config/} deployed as a user would, on an embedded cluster
 * whose broker does not create topics by itself. Only what differs between the user's machine and
 * the test is replaced: the API's address and key (the simulator's), the tracking cluster's address,
 * the DLQ's replication factor (one broker here) and the source's schedule, scaled for a simulator
 * that runs 100 times faster than the real API.
 */
final class ReadyConfigs {

    private ReadyConfigs() {
    }

    /**
     * Workers as {@link ItCluster} starts them, but with Connect's defaults for exactly-once source
     * ({@code exactly.once.source.support} unset, so {@code disabled}) unless {@code exactlyOnce}.
     */
    static EmbeddedConnectCluster start(String name, boolean exactlyOnce) {
        Map<String, String> workers = ItCluster.workerProps();
        workers.remove("exactly.once.source.support");
        if (exactlyOnce) {
            workers.put("exactly.once.source.support", "enabled");
        }
        Properties broker = ItCluster.brokerProps();
        broker.put("auto.create.topics.enable", "false");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name(name).numBrokers(1).numWorkers(1)
                .workerProps(workers).brokerProps(broker).build();
        connect.start();
        return connect;
    }

    /** {@code config/<file>} with only the run's addresses, key and time scale replaced. */
    static ConnectorConfigFile read(String file, EmbeddedConnectCluster connect, String apiUrl) {
        ConnectorConfigFile ready = ConnectorConfigFile.read(Path.of("config", file));
        Map<String, String> run = new HashMap<>();
        run.put("ltx.api.url", apiUrl);
        run.put("ltx.api.key", Pipeline.API_KEY);
        run.put("ltx.tracking.bootstrap.servers", connect.kafka().bootstrapServers());
        if (ready.config().containsKey("errors.deadletterqueue.topic.replication.factor")) {
            run.put("errors.deadletterqueue.topic.replication.factor", "1");
        }
        if (ready.config().get("connector.class").endsWith("SourceConnector")) {
            double scale = Pipeline.TIME_SCALE;
            run.put("ltx.poll.time.scale", String.valueOf(scale));
            run.put("ltx.poll.min.interval.ms", Long.toString(Math.max(1, Math.round(2_000 * scale))));
            run.put("ltx.poll.max.interval.ms", Long.toString(Math.max(1, Math.round(30_000 * scale))));
        }
        return ready.with(run);
    }

    /** Writes one request per prompt (key = its request id); returns the records as {@code topic-partition-offset}. */
    static List<String> produceRequests(EmbeddedConnectCluster connect, String topic, String prefix, int n) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String id = prefix + "-" + i;
                sent.add(producer.send(new ProducerRecord<>(topic, id,
                        "{\"request_id\":\"" + id + "\",\"prompt\":\"A ready config, clip " + id + "\",\"resolution\":\"480p\",\"duration\":5}")));
            }
            producer.flush();
        }
        List<String> records = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            RecordMetadata m = Futures.get(f);
            records.add(m.topic() + "-" + m.partition() + "-" + m.offset());
        }
        return records;
    }

    /** The transactions the broker knows of whose id names a task of {@code connector} ({@code <group>-<connector>-<task>}). */
    static List<TransactionListing> transactionsOf(EmbeddedConnectCluster connect, String connector) {
        try (Admin admin = connect.kafka().createAdminClient()) {
            Collection<TransactionListing> all = Futures.get(admin.listTransactions().all());
            return all.stream().filter(t -> t.transactionalId().matches(".*-" + java.util.regex.Pattern.quote(connector) + "-\\d+")).toList();
        }
    }

    /** The sum of the end offsets of {@code topic}'s partitions: records plus transaction markers. */
    static long endOffsets(EmbeddedConnectCluster connect, String topic, int partitions) throws Exception {
        long sum = 0;
        for (int i = 0; i < partitions; i++) {
            sum += connect.kafka().endOffset(new TopicPartition(topic, i));
        }
        return sum;
    }
}
