package io.ltx2.connect.bench;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4, heap: one source task holding N outstanding tasks. The tasks exist on a simulator in
 * "long generation" mode (they take a day), their SUBMITTED records are on the tracking topic before
 * the connector starts; retained heap = used heap after full GCs with the task loaded minus before
 * it started (this includes the task's consumer and Connect's per-task objects, so it is an upper
 * bound for the outstanding-task state).
 */
final class HeapBenchmark {
    private static final Logger log = LoggerFactory.getLogger(HeapBenchmark.class);

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        int n = cfg.heapTasks();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outstandingTasks", n);
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).longGeneration().limitsEnabled(false).seed(3)
                .threads(8).build().start()) {
            kafka.createTopics(1, "heap-tracking", "heap-events");
            long setupStart = System.nanoTime();
            createAndTrack(kafka, sim, n, "heap-tracking", "heap");
            m.put("setupSeconds", Stats.round((System.nanoTime() - setupStart) / 1e9, 1));

            long before = usedHeapAfterGc();
            long loadStart = System.nanoTime();
            Map<String, String> props = kafka.sourceProps(sim, "heap-tracking", "heap-events", 1.0, 1);
            props.put("ltx.source.max.outstanding", String.valueOf(Math.max(1, n))); // hold all n: the scenario measures their heap
            kafka.startConnector("heap-source", props);
            boolean loaded = EventReader.await(() -> outstanding("heap-source") >= n, Duration.ofSeconds(180));
            double loadSec = (System.nanoTime() - loadStart) / 1e9;
            long with = usedHeapAfterGc();
            int held = outstanding("heap-source");
            kafka.deleteConnector("heap-source");
            EventReader.await(() -> outstanding("heap-source") < 0, Duration.ofSeconds(20));
            long after = usedHeapAfterGc();
            long retained = with - before;
            m.put("allLoaded", loaded);
            m.put("outstandingReported", held);
            m.put("loadSeconds", Stats.round(loadSec, 1));
            m.put("heapBeforeMb", mb(before));
            m.put("heapWithTaskMb", mb(with));
            m.put("heapAfterConnectorDeletedMb", mb(after));
            m.put("retainedMb", mb(retained));
            m.put("bytesPerOutstandingTask", held > 0 ? Math.round(retained / (double) held) : null);
            m.put("extrapolatedMbAt100k", held > 0 ? Stats.round(retained / (double) held * 100_000 / (1024 * 1024), 1) : null);
        }
        log.info("Heap: {}", m);
        return m;
    }

    /** Creates n tasks on the simulator and writes their SUBMITTED records (of {@code connector}), in batches so that little stays in memory. */
    static void createAndTrack(BenchKafka kafka, ApiSimulator sim, int n, String topic, String connector) throws Exception {
        ApiClientSettings settings = new ApiClientSettings(URI.create(sim.baseUrl()), new Password(BenchKafka.API_KEY), "ltx-2-19b",
                Duration.ofSeconds(10), Duration.ofSeconds(30), 32, 1_000_000, new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(1)));
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        try (LtxApiClient client = new LtxApiClient(settings);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            int batch = 1_000;
            for (int from = 0; from < n; from += batch) {
                List<CompletableFuture<TrackingRecord>> calls = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + batch); i++) {
                    GenerationInput input = new GenerationInput("text-to-video", "Outstanding clip " + i, "720p", 10, "16:9", null, (long) (i + 1), null);
                    String requestId = connector + "-" + i;
                    int offset = i;
                    calls.add(client.createTask(new CreateTaskRequest("async", null, "auto", input)).thenApply(taskId ->
                            TrackingRecord.submitted(new TrackedRequest(new RequestIdentity(connector, connector + "-requests", 0, offset), requestId,
                                    "async", "auto", input, Map.of()), taskId, 1, List.of(), System.currentTimeMillis())));
                }
                for (CompletableFuture<TrackingRecord> call : calls) {
                    TrackingRecord r = call.get(60, TimeUnit.SECONDS);
                    producer.send(new ProducerRecord<>(topic, r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r)));
                }
            }
            producer.flush();
        }
    }

    /** Outstanding tasks of the connector's task 0 over JMX, or -1 when it has no MBean. */
    static int outstanding(String connector) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(new ObjectName("io.ltx2.connect:type=source-task-metrics,*"), null)) {
                if (name.getKeyProperty("connector").replace("\"", "").equals(connector)) {
                    return ((Number) server.getAttribute(name, "outstanding-requests")).intValue();
                }
            }
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double mb(long bytes) {
        return Stats.round(bytes / (1024.0 * 1024.0), 1);
    }
}
