package io.ltx2.connect.archive;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.api.TransportSettings;
import io.ltx2.connect.s3local.LocalS3;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.ResultFiles;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transfers end to end: result files served by the simulator, copied into S3Proxy (in this JVM) by the
 * AWS SDK, streamed through one part buffer: one PUT for a small video, a multipart upload for a large one,
 * the bytes and checksums verified; the same video archived again overwrites its one object; an expired
 * result URL ends at once; a store outage is retried and then given up at the deadline.
 */
class ArchiverTest {
    private static final int PART = ArchiveSettings.MIN_PART_SIZE;
    private static final String BUCKET = "videos";
    private static LocalS3 s3;
    private static ApiSimulator small;
    private static ApiSimulator large;
    private static ApiSimulator expiring;

    private Archiver archiver;
    private final AtomicLong archivedBytes = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        s3 = LocalS3.start(BUCKET);
        small = ApiSimulator.builder().apiKey("k").fixedGenerationTime(Duration.ofMillis(20)).resultBytes(300_000).resultsPerTask(2)
                .build().start();
        large = ApiSimulator.builder().apiKey("k").fixedGenerationTime(Duration.ofMillis(20)).resultBytes(2L * PART + 12345).seed(7)
                .build().start();
        expiring = ApiSimulator.builder().apiKey("k").fixedGenerationTime(Duration.ofMillis(20)).resultTtl(Duration.ZERO).seed(9)
                .build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        small.close();
        large.close();
        expiring.close();
        s3.close();
    }

    @AfterEach
    void closeArchiver() {
        s3.outage(false);
        if (archiver != null) {
            archiver.close();
        }
    }

    private Archiver archiver(Duration maxWait, Duration presign) {
        ArchiveSettings settings = new ArchiveSettings(BUCKET, KeyTemplate.of(KeyTemplate.DEFAULT, "ltx2/"), Optional.of(LocalS3.REGION),
                Optional.of(URI.create(s3.endpoint())), true, Optional.of(new Password(LocalS3.ACCESS_KEY_ID)),
                Optional.of(new Password(LocalS3.SECRET_ACCESS_KEY)), presign, 2, 8, PART, ArchiveSettings.FailurePolicy.EMIT, maxWait,
                new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(50), Duration.ofMillis(200)), Duration.ofSeconds(2),
                Duration.ofSeconds(5), TransportSettings.DEFAULT);
        archiver = Archiver.start(settings, new ArchiveListener() {
            @Override
            public void videoArchived(long bytes, long millis) {
                archivedBytes.addAndGet(bytes);
            }

            @Override
            public void transferRetried() {
                retries.incrementAndGet();
            }

            @Override
            public void archiveFailed() {
            }
        }, "archiver-test");
        return archiver;
    }

    /** A finished task of the simulator and its status. */
    private static TaskStatus succeededTask(ApiSimulator sim, String prompt) throws Exception {
        try (LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 6000, new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(200))))) {
            String taskId = client.createTask(new CreateTaskRequest("async", null, null,
                    new GenerationInput(null, prompt, null, null, null, null, null, null))).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                TaskStatus s = client.getStatus(taskId).get(10, TimeUnit.SECONDS);
                if (s.state() == TaskState.SUCCESS) {
                    return s;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("task " + taskId + " did not succeed");
        }
    }

    private static ArchiveRequest request(String requestId, TaskStatus s) {
        return new ArchiveRequest(requestId, s.taskId(), s.completeTime(), s.resultUrls());
    }

    @Test
    void smallVideosGoInOnePutEachUnderTheirTemplateKeyWithTheirChecksumAndAPresignedUrl() throws Exception {
        TaskStatus task = succeededTask(small, "two small videos");
        ArchiveResult r = archiver(Duration.ofSeconds(20), Duration.ofMinutes(10)).archive(request("user/42 #1", task)).get(30, TimeUnit.SECONDS);

        assertThat(r.succeeded()).as(r.failure()).isTrue();
        assertThat(r.videos()).hasSize(2);
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(task.completeTime()));
        for (int i = 0; i < 2; i++) {
            ArchivedVideo v = r.videos().get(i);
            assertThat(v.key()).isEqualTo("ltx2/" + date + "/user_42__1/" + task.taskId() + "-" + i + ".mp4");
            assertThat(v.location()).isEqualTo("s3://" + BUCKET + "/" + v.key());
            byte[] expected = ResultFiles.content(task.taskId(), i, 300_000);
            assertThat(s3.read(BUCKET, v.key())).isEqualTo(expected);
            assertThat(v.sha256()).isEqualTo(sha256(expected));
            assertThat(s3.metadata(BUCKET, v.key())).containsEntry("sha256", sha256(expected)).containsEntry("ltx-index", Integer.toString(i));
            assertThat(v.contentType()).isEqualTo("video/mp4");
        }
        assertThat(r.httpsUrls()).hasSize(2);
        HttpResponse<byte[]> presigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(r.httpsUrls().get(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(presigned.statusCode()).isEqualTo(200);
        assertThat(presigned.body()).isEqualTo(ResultFiles.content(task.taskId(), 1, 300_000));
        assertThat(archivedBytes.get()).isEqualTo(600_000);
    }

    @Test
    void aLargeVideoStreamsThroughOnePartBufferAsAMultipartUploadAndArchivingItAgainOverwritesTheSameObject() throws Exception {
        TaskStatus task = succeededTask(large, "one large video");
        int size = 2 * PART + 12345;
        long writesBefore = s3.writes();
        Archiver a = archiver(Duration.ofSeconds(30), Duration.ZERO);
        ArchiveResult first = a.archive(request("large", task)).get(60, TimeUnit.SECONDS);
        ArchiveResult again = a.archive(request("large", task)).get(60, TimeUnit.SECONDS);

        assertThat(first.succeeded()).as(first.failure()).isTrue();
        assertThat(again.locations()).isEqualTo(first.locations());
        String key = first.videos().get(0).key();
        assertThat(s3.keys(BUCKET).stream().filter(k -> k.contains(task.taskId()))).containsExactly(key);
        assertThat(s3.writes() - writesBefore).as("every upload wrote the one key (its completion and its metadata copy)").isEqualTo(4);
        byte[] stored = s3.read(BUCKET, key);
        assertThat(stored).hasSize(size);
        assertThat(sha256(stored)).isEqualTo(sha256(ResultFiles.content(task.taskId(), 0, size)));
        assertThat(s3.metadata(BUCKET, key)).containsEntry("sha256", sha256(stored));
        assertThat(first.httpsUrls()).isEmpty();
    }

    @Test
    void anExpiredResultUrlEndsAtOnceWithoutRetries() throws Exception {
        TaskStatus task = succeededTask(expiring, "expired at once");
        long started = System.nanoTime();
        ArchiveResult r = archiver(Duration.ofSeconds(60), Duration.ZERO).archive(request("gone", task)).get(30, TimeUnit.SECONDS);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.sourceLost()).isTrue();
        assertThat(r.failure()).startsWith("RESULT_URL_GONE: HTTP 410 from ");
        assertThat(retries.get()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(expiring.resultDownloads().expired()).isPositive();
    }

    @Test
    void aStoreOutageIsRetriedWithBackoffThenGivenUpAtTheDeadlineAndWorksOnceTheStoreIsBack() throws Exception {
        TaskStatus task = succeededTask(small, "store outage");
        s3.outage(true);
        // 3 s: room for several tries (50 ms doubling to 200 ms apart) also when the machine is busy
        ArchiveResult r = archiver(Duration.ofSeconds(3), Duration.ZERO).archive(request("outage", task)).get(30, TimeUnit.SECONDS);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.sourceLost()).isFalse();
        assertThat(r.failure()).startsWith("STORE_UNAVAILABLE: gave up after ").contains("503");
        assertThat(retries.get()).isGreaterThan(1);
        assertThat(r.failure()).doesNotContain(LocalS3.SECRET_ACCESS_KEY).doesNotContain(LocalS3.ACCESS_KEY_ID);

        s3.outage(false);
        assertThat(archiver.archive(request("outage", task)).get(30, TimeUnit.SECONDS).succeeded()).isTrue();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void keysAreDeterministicUrlSafeAndNeedTaskAndIndex() {
        KeyTemplate t = KeyTemplate.of("{prefix}{date}/{requestId}/{taskId}-{index}.{ext}", "p/");
        ArchiveRequest r = new ArchiveRequest("a b/../c", "t1", 0L, List.of("https://cdn/x/v.MP4?sig=1"));
        assertThat(t.render(r, 0, "video/mp4; codecs=avc1", r.resultUrls().get(0))).isEqualTo("p/1970/01/01/a_b_.._c/t1-0.mp4");
        assertThat(t.render(r, 3, null, r.resultUrls().get(0))).isEqualTo("p/1970/01/01/a_b_.._c/t1-3.mp4");
        assertThat(t.render(r, 0, "application/octet-stream", "https://cdn/x/v")).endsWith("t1-0.bin");
        assertThat(KeyTemplate.urlSafe("..")).isEqualTo("_..");
        assertThat(KeyTemplate.problem("{prefix}{requestId}.{ext}")).contains("{taskId}");
        assertThat(KeyTemplate.problem("{taskId}/{date}.{ext}")).contains("{index}");
        assertThat(KeyTemplate.problem("{taskId}-{index}-{user}")).contains("unknown placeholder {user}");
        assertThat(KeyTemplate.problem(KeyTemplate.DEFAULT)).isNull();
    }
}
