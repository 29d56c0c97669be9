package io.ltx2.connect.archive;

import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TransportSettings;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the archive stage of one source task needs, from the {@code ltx.archive.*} keys.
 * {@link #toString()} names no credential.
 *
 * @param bucket          the bucket the videos go to
 * @param keys            how an object key is made
 * @param region          the store's region; empty for the SDK's default region chain (us-east-1 with an endpoint override)
 * @param endpoint        an S3-compatible endpoint (MinIO, S3Proxy, ...); empty for AWS
 * @param pathStyle       bucket in the path rather than the host name (MinIO and most S3-compatible stores)
 * @param accessKeyId     static credentials; empty for the SDK's default credentials chain
 * @param secretAccessKey static credentials, with {@code accessKeyId}
 * @param presignTtl      lifetime of pre-signed HTTPS URLs in events; zero for none
 * @param maxConcurrent   videos transferred at once per task
 * @param maxQueued       successes waiting for archiving above which the task makes no new status calls
 * @param partSize        bytes held per transfer: the multipart part size, and the largest object sent in one PUT
 * @param failurePolicy   what the event does when archiving keeps failing
 * @param maxWait         how long a success may wait for its archive before the failure policy applies
 * @param retry           backoff between attempts of a transfer (their number is bounded by {@code maxWait})
 * @param connectTimeout  connection time-out of downloads and store calls
 * @param readTimeout     longest silence of a download or store connection
 * @param download        proxy and TLS trust of the downloads: the API's ({@code ltx.api.proxy.*}, {@code ltx.api.ssl.*})
 */
public record ArchiveSettings(String bucket, KeyTemplate keys, Optional<String> region, Optional<URI> endpoint, boolean pathStyle,
                              Optional<Password> accessKeyId, Optional<Password> secretAccessKey, Duration presignTtl,
                              int maxConcurrent, int maxQueued, int partSize, FailurePolicy failurePolicy, Duration maxWait,
                              RetryPolicy retry, Duration connectTimeout, Duration readTimeout, TransportSettings download) {

    /** S3's smallest part (but the last) of a multipart upload. */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    /** What happens to the event of a success whose videos could not be archived in time. */
    public enum FailurePolicy {
        /** The event goes out with the original URLs and {@code archiveFailure} saying why. */
        EMIT,
        /** The task fails; the event is held (it is emitted once archiving works, after a restart). */
        FAIL
    }

    public ArchiveSettings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        Objects.requireNonNull(download, "download");
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("give both ltx.archive.access.key.id and ltx.archive.secret.access.key, or neither");
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("the part size must be at least " + MIN_PART_SIZE + " bytes");
        }
    }

    public boolean staticCredentials() {
        return accessKeyId.isPresent();
    }

    @Override
    public String toString() {
        return "bucket " + bucket + ", keys " + keys + endpoint.map(e -> ", endpoint " + e + (pathStyle ? " (path style)" : "")).orElse("")
                + region.map(r -> ", region " + r).orElse("") + ", credentials " + (staticCredentials() ? "static keys" : "default chain")
                + ", " + maxConcurrent + " transfers at once, parts of " + partSize + " bytes, " + failurePolicy.name().toLowerCase(java.util.Locale.ROOT)
                + " after " + maxWait.toMillis() + " ms" + (presignTtl.isZero() ? "" : ", pre-signed URLs for " + presignTtl.toMillis() + " ms");
    }
}
