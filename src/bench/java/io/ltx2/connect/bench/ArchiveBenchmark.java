package io.ltx2.connect.bench;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.s3local.LocalS3;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario archive, in three variants: loopback downloads of {@code --archive-mb} MiB videos (one PUT each), the
 * same at 16 MiB/s per download (a CDN's per-connection bandwidth), and videos four times larger (multipart).
 * Each: N finished tasks with one video each, served by the simulator;
 * their SUBMITTED records are on the tracking topic before one source task with the archive stage starts
 * (4 concurrent transfers, 8 MiB parts) and copies every video to S3Proxy (jclouds' filesystem store, so the
 * objects stay out of the heap). Measured: videos and MB per second from the first transfer queued to the
 * last video stored (the source task's archive metrics over JMX), and the worker's heap (this JVM: the
 * embedded worker runs here) sampled every 50 ms. Side by side, in the same run, the baseline a script
 * would write: the same videos one after another, each downloaded whole into memory and then uploaded
 * with one PUT by the same S3 client (same checksum settings; no Content-MD5, no read-back: cheaper than
 * what the stage verifies).
 */
final class ArchiveBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ArchiveBenchmark.class);
    private static final String BUCKET = "bench-archive";

    /** One configuration: videos of {@code mb} MiB, served at {@code bytesPerSecond} per download (0: as fast as loopback goes). */
    record Variant(String name, int videos, int mb, long bytesPerSecond) {
    }

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg, int videos, int megabytes) throws Exception {
        List<Variant> variants = List.of(
                new Variant("loopback", videos, megabytes, 0),
                new Variant("cdn16MBps", videos, megabytes, 16L * 1024 * 1024),
                new Variant("multipart", Math.max(4, videos / 2), megabytes * 4, 0));
        Map<String, Object> m = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("ltx-bench-s3");
        try (LocalS3 s3 = LocalS3.onDisk(dir, variants.stream().flatMap(v -> java.util.stream.Stream.of(BUCKET + "-" + v.name().toLowerCase(),
                BUCKET + "-" + v.name().toLowerCase() + "-baseline")).toArray(String[]::new))) {
            for (Variant v : variants) {
                m.put(v.name(), variant(kafka, s3, v));
            }
        } finally {
            deleteQuietly(dir);
        }
        log.info("Archive: {}", m);
        return m;
    }

    private Map<String, Object> variant(BenchKafka kafka, LocalS3 s3, Variant v) throws Exception {
        long size = v.mb() * 1024L * 1024L;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("videos", v.videos());
        m.put("videoMb", v.mb());
        m.put("downloadMbPerSecondPerConnection", v.bytesPerSecond() == 0 ? "unlimited" : v.bytesPerSecond() / (1024 * 1024));
        String bucket = BUCKET + "-" + v.name().toLowerCase();
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).fixedGenerationTime(Duration.ofMillis(50)).limitsEnabled(false)
                .resultBytes(size).resultBytesPerSecond(v.bytesPerSecond()).threads(16).seed(5).build().start()) {
            List<TaskStatus> tasks = finishedTasks(sim, v.videos());
            m.put("ours", connector(kafka, sim, s3, bucket, v.name().toLowerCase(), tasks, size));
            log.info("Archive {} through the source task: {}", v.name(), m.get("ours"));
            m.put("baseline", baseline(s3, bucket + "-baseline", tasks, size));
        }
        double ours = SaturationBenchmark.num(cast(m.get("ours")), "mbPerSecond");
        double base = SaturationBenchmark.num(cast(m.get("baseline")), "mbPerSecond");
        m.put("ratioOursToBaseline", Stats.round(ours / base, 2));
        return m;
    }

    private Map<String, Object> connector(BenchKafka kafka, ApiSimulator sim, LocalS3 s3, String bucket, String name, List<TaskStatus> tasks,
                                          long size) throws Exception {
        String connector = "archive-" + name;
        kafka.createTopics(1, connector + "-tracking", connector + "-events");
        track(kafka, connector + "-tracking", tasks);
        Map<String, String> props = kafka.sourceProps(sim, connector + "-tracking", connector + "-events", 0.01, 1);
        props.putAll(s3.connectorConfig(bucket));
        props.put("ltx.archive.max.concurrent", "4");
        long before = HeapBenchmark.usedHeapAfterGc();
        HeapSampler heap = new HeapSampler(before);
        kafka.startConnector(connector, props);
        long firstQueued = 0;
        long done = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            double queued = metric(connector, "archive-queue-depth");
            double archived = metric(connector, "archive-videos-total");
            if (firstQueued == 0 && (queued > 0 || archived > 0)) {
                firstQueued = System.nanoTime();
            }
            if (archived >= tasks.size()) {
                done = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        Map<String, Object> r = heap.stop();
        double seconds = (done - firstQueued) / 1e9;
        r.put("completed", done > 0);
        r.put("seconds", Stats.round(seconds, 2));
        r.put("videosPerSecond", Stats.round(tasks.size() / seconds, 2));
        r.put("mbPerSecond", Stats.round(tasks.size() * size / (1024.0 * 1024.0) / seconds, 1));
        r.put("transferMsP50", Math.round(metric(connector, "archive-transfer-ms-p50")));
        r.put("objects", s3.keys(bucket).size());
        kafka.deleteConnector(connector);
        return r;
    }

    /** Download whole, then upload, one video after another, with the S3 client the plugin uses. */
    private static Map<String, Object> baseline(LocalS3 s3, String bucket, List<TaskStatus> tasks, long size) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (S3Client client = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()).endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(LocalS3.REGION)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY_ID, LocalS3.SECRET_ACCESS_KEY)))
                .build()) {
            long before = HeapBenchmark.usedHeapAfterGc();
            HeapSampler heap = new HeapSampler(before);
            long start = System.nanoTime();
            for (TaskStatus t : tasks) {
                byte[] video = http.send(HttpRequest.newBuilder(URI.create(t.resultUrls().get(0))).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body();
                client.putObject(b -> b.bucket(bucket).key(t.taskId() + ".mp4").contentType("video/mp4"), RequestBody.fromBytes(video));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> r = heap.stop();
            r.put("seconds", Stats.round(seconds, 2));
            r.put("videosPerSecond", Stats.round(tasks.size() / seconds, 2));
            r.put("mbPerSecond", Stats.round(tasks.size() * size / (1024.0 * 1024.0) / seconds, 1));
            r.put("objects", s3.keys(bucket).size());
            return r;
        }
    }

    private static List<TaskStatus> finishedTasks(ApiSimulator sim, int n) throws Exception {
        ApiClientSettings settings = new ApiClientSettings(URI.create(sim.baseUrl()), new Password(BenchKafka.API_KEY), "ltx-2-19b",
                Duration.ofSeconds(10), Duration.ofSeconds(30), 16, 1_000_000, new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(1)));
        List<TaskStatus> out = new ArrayList<>();
        try (LtxApiClient client = new LtxApiClient(settings)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(client.createTask(new CreateTaskRequest("async", null, "auto", input(i))).get(30, TimeUnit.SECONDS));
            }
            Thread.sleep(200);
            for (String id : ids) {
                TaskStatus s = client.getStatus(id).get(30, TimeUnit.SECONDS);
                if (s.state() != TaskState.SUCCESS) {
                    throw new IllegalStateException("task " + id + " is " + s.state());
                }
                out.add(s);
            }
        }
        return out;
    }

    private static GenerationInput input(int i) {
        return new GenerationInput("text-to-video", "Archived clip " + i, "720p", 10, "16:9", null, (long) (i + 1), null);
    }

    private static void track(BenchKafka kafka, String topic, List<TaskStatus> tasks) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < tasks.size(); i++) {
                TrackingRecord r = TrackingRecord.submitted(new TrackedRequest(new RequestIdentity(topic, "archive-requests", 0, i),
                        "archive-" + i, "async", "auto", input(i), Map.of()), tasks.get(i).taskId(), 1, List.of(), System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r)));
            }
            producer.flush();
        }
    }

    /** One source task metric over JMX, 0 when it is not there (yet). */
    private static double metric(String connector, String name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName on : server.queryNames(new ObjectName("io.ltx2.connect:type=source-task-metrics,*"), null)) {
                if (on.getKeyProperty("connector").replace("\"", "").equals(connector)) {
                    Object v = server.getAttribute(on, name);
                    return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    /** The heap in use (garbage not yet collected included) every 50 ms, above the level measured after GCs before the phase. */
    private static final class HeapSampler {
        private final long base;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong sum = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();
        private final Thread thread;

        HeapSampler(long base) {
            this.base = base;
            this.thread = new Thread(() -> {
                while (running.get()) {
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - base;
                    max.accumulateAndGet(used, Math::max);
                    sum.addAndGet(used);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Object> stop() throws InterruptedException {
            running.set(false);
            thread.join();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("heapAboveBaseMbMax", Stats.round(max.get() / (1024.0 * 1024.0), 1));
            r.put("heapAboveBaseMbMean", Stats.round(sum.get() / (double) Math.max(1, samples.get()) / (1024.0 * 1024.0), 1));
            r.put("heapSamples", samples.get());
            return r;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp dir
        }
    }
}
