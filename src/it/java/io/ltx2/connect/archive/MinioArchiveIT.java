package io.ltx2.connect.archive;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.api.TransportSettings;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.ResultFiles;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive against a real MinIO (Testcontainers; skipped where there is no Docker, as on the build
 * machines): a small video in one PUT and a large one in a multipart upload, path-style, static keys,
 * bytes and sha256 metadata read back with a separate client, ETags checked by the transfer.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioArchiveIT {
    private static final String BUCKET = "ltx-minio-it";

    @Container
    private static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");

    @Test
    void archivesSmallAndLargeVideosToMinio() throws Exception {
        int size = ArchiveSettings.MIN_PART_SIZE + 4321;
        try (ApiSimulator sim = ApiSimulator.builder().apiKey("k").fixedGenerationTime(Duration.ofMillis(20)).resultBytes(size)
                .resultsPerTask(1).build().start();
             S3Client s3 = S3Client.builder().endpointOverride(URI.create(MINIO.getS3URL())).region(Region.US_EAST_1).forcePathStyle(true)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(MINIO.getUserName(), MINIO.getPassword())))
                     .build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            ArchiveSettings settings = new ArchiveSettings(BUCKET, KeyTemplate.of(KeyTemplate.DEFAULT, "minio/"), Optional.of("us-east-1"),
                    Optional.of(URI.create(MINIO.getS3URL())), true, Optional.of(new Password(MINIO.getUserName())),
                    Optional.of(new Password(MINIO.getPassword())), Duration.ofMinutes(5), 2, 4, ArchiveSettings.MIN_PART_SIZE,
                    ArchiveSettings.FailurePolicy.EMIT, Duration.ofSeconds(60), new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(100),
                    Duration.ofSeconds(1)), Duration.ofSeconds(5), Duration.ofSeconds(30), TransportSettings.DEFAULT);
            TaskStatus task = succeeded(sim);
            try (Archiver archiver = Archiver.start(settings, ArchiveListener.NONE, "minio-it")) {
                ArchiveResult r = archiver.archive(new ArchiveRequest("minio-req", task.taskId(), task.completeTime(), task.resultUrls()))
                        .get(120, TimeUnit.SECONDS);
                assertThat(r.succeeded()).as(r.failure()).isTrue();
                String key = r.videos().get(0).key();
                byte[] stored = s3.getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toBytes()).asByteArray();
                assertThat(stored).isEqualTo(ResultFiles.content(task.taskId(), 0, size));
                assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).metadata()).containsEntry("sha256", r.videos().get(0).sha256());
                assertThat(r.httpsUrls()).singleElement().asString().startsWith(MINIO.getS3URL());
            }
        }
    }

    private static TaskStatus succeeded(ApiSimulator sim) throws Exception {
        try (LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, 6000, new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(200))))) {
            String id = client.createTask(new CreateTaskRequest("async", null, null,
                    new GenerationInput(null, "MinIO test", null, null, null, null, null, null))).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                TaskStatus s = client.getStatus(id).get(10, TimeUnit.SECONDS);
                if (s.state() == TaskState.SUCCESS) {
                    return s;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("task did not succeed");
        }
    }
}
