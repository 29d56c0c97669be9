package io.ltx2.connect.bench;

import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.sink.LtxSinkTask;
import io.ltx2.connect.sink.SinkTaskProbe;
import io.ltx2.connect.testkit.FakeSinkContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restart cost of a sink task with a daily spend cap against the size of its history: for each size,
 * a tracking topic holding that many SUBMITTED records of the connector over the last 24 hours
 * ({@link TrackingHistory}), and a request topic whose last records are redelivered after the
 * restart (half of them already submitted, their SUBMITTED records among the newest of the
 * history). The same task index is started twice on it: first without a spend checkpoint (the full
 * read of the window: what every start did before checkpoints, and the first start after the
 * upgrade), then, after that instance stopped and wrote its checkpoint, again (a rebalance). Each
 * time: how long {@code start} takes and what it read, and the time to the first create once the
 * redelivered records are handed to {@code put} (the restart scan of earlier attempts, then the
 * first request that is new). The task runs in this JVM against the embedded broker, without a
 * Connect worker around it (a rebalance adds the group's own time).
 */
final class RestartBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RestartBenchmark.class);
    /** Redelivered request records per start (half handled before, half new). */
    static final int REDELIVERED = 200;

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> sizes = new ArrayList<>();
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).limitsEnabled(false).seed(21).build().start()) {
            for (int n : cfg.restartHistories()) {
                sizes.add(size(kafka, sim, n));
            }
        }
        out.put("redeliveredPerStart", REDELIVERED);
        out.put("sizes", sizes);
        return out;
    }

    private Map<String, Object> size(BenchKafka kafka, ApiSimulator sim, int n) throws Exception {
        String c = "restart-" + n;
        String tracking = c + "-tracking";
        String input = c + "-requests";
        kafka.createTopics(4, tracking);
        kafka.createTopics(1, input);
        long now = System.currentTimeMillis();
        produceRequests(kafka, input, now);
        long writeStart = System.nanoTime();
        // Already submitted by the earlier owner: the first half of each start's redelivered records.
        List<Long> handled = new ArrayList<>();
        for (int i = 0; i < REDELIVERED / 2; i++) {
            handled.add((long) i);
            handled.add((long) REDELIVERED + i);
        }
        TrackingHistory.write(kafka.bootstrap(), tracking, c, input, n, now, handled);
        double writeSec = (System.nanoTime() - writeStart) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("historyRecords", n);
        m.put("historyWriteSeconds", Stats.round(writeSec, 1));
        m.put("historyWriteRecordsPerSecond", Math.round(n / writeSec));
        Map<String, String> props = props(kafka, sim, c, input, tracking);
        m.put("withoutCheckpoint", start(props, sim, input, 0, now));
        m.put("fromCheckpoint", start(props, sim, input, REDELIVERED, now));
        log.info("Restart with {} history records: {}", n, m);
        return m;
    }

    private static Map<String, String> props(BenchKafka kafka, ApiSimulator sim, String connector, String input, String tracking) {
        Map<String, String> p = kafka.sinkProps(sim, input, tracking, 1.0, 2);
        p.put("name", connector);
        p.put(LtxSinkConfig.BUDGET_SECONDS_PER_DAY, "1000000000");
        p.put(LtxSinkConfig.API_RATE_LIMIT, "10000");
        return new TaskPlacement(0, 2).addTo(p);
    }

    /** 2 x {@link #REDELIVERED} requests, produced now: what Connect hands the task after the restart. */
    private static void produceRequests(BenchKafka kafka, String input, long now) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Workload.Request> requests = Workload.simple("redelivered", 0, 2 * REDELIVERED);
            for (Workload.Request r : requests) {
                producer.send(new ProducerRecord<>(input, 0, now, r.id(), r.json())).get();
            }
        }
    }

    /** Starts task index 0, hands it the redelivered records from {@code firstOffset}, waits for its first create, stops it. */
    private static Map<String, Object> start(Map<String, String> props, ApiSimulator sim, String input, int firstOffset, long producedAt)
            throws Exception {
        TopicPartition tp = new TopicPartition(input, 0);
        FakeSinkContext context = new FakeSinkContext(); // the unit tests' context of a sink task run without a worker
        context.assignment.add(tp);
        LtxSinkTask task = new LtxSinkTask();
        task.initialize(context);
        long creates = sim.stats().createsAccepted();
        long t0 = System.nanoTime();
        task.start(props);
        long started = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>(SinkTaskProbe.spendRead(task));
        m.put("startMs", Math.round((started - t0) / 1e6));
        task.open(List.of(tp));
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = firstOffset; i < firstOffset + REDELIVERED; i++) {
            Workload.Request r = Workload.simple("redelivered", i, 1).get(0);
            batch.add(new SinkRecord(input, 0, null, r.id(), null, Map.of("request_id", r.id(), "prompt", "Throughput clip " + i,
                    "resolution", "480p", "duration", 5L), i, producedAt, TimestampType.CREATE_TIME));
        }
        long put = System.nanoTime();
        task.put(batch);
        long putDone = System.nanoTime();
        m.put("firstPutMs", Math.round((putDone - put) / 1e6));
        m.put("restartScanRecords", SinkTaskProbe.priorScanRecords(task));
        long deadline = put + Duration.ofSeconds(60).toNanos();
        while (sim.stats().createsAccepted() <= creates && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long first = System.nanoTime();
        boolean created = sim.stats().createsAccepted() > creates;
        m.put("firstCreateAfterStartMs", created ? Math.round((first - t0) / 1e6) : null);
        m.put("firstCreateAfterPutMs", created ? Math.round((first - put) / 1e6) : null);
        EventReader.await(() -> sim.stats().createsAccepted() >= creates + REDELIVERED / 2, Duration.ofSeconds(60));
        task.put(List.of());
        Thread.sleep(500); // the last SUBMITTED records are acknowledged; stop waits for any create still out
        m.put("created", sim.stats().createsAccepted() - creates);
        task.stop();
        return m;
    }
}
