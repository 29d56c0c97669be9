package io.ltx2.connect.config;

import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.archive.ArchiveSettings;
import io.ltx2.connect.archive.KeyTemplate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The source connector's group "Archive": copying each successful task's videos to S3-compatible object
 * storage before the event is written (off by default; docs/archiving.md). Defined after the keys of
 * {@link LtxSourceConfig}; {@link #settings(LtxConfig)} gives the archive stage its typed settings.
 */
public final class ArchiveConfig {
    public static final String GROUP = "Archive";

    public static final String ENABLED = "ltx.archive.enabled";
    private static final String ENABLED_DOC = "Copy every video of a successful task to the object store (ltx.archive.bucket) before "
            + "its event is written; the event (TerminalEvent v4) then names the copies in archivedUrls beside the original resultUrls, "
            + "which expire (24 h by the vendor's pages). One object per video, written once: its key is fixed by the task and the video's index.";

    public static final String BUCKET = "ltx.archive.bucket";
    private static final String BUCKET_DOC = "Bucket the videos are copied to. Required when ltx.archive.enabled is true.";

    public static final String KEY_PREFIX = "ltx.archive.key.prefix";
    private static final String KEY_PREFIX_DOC = "Value of {prefix} in ltx.archive.key.template.";
    public static final String KEY_PREFIX_DEFAULT = "ltx2/";

    public static final String KEY_TEMPLATE = "ltx.archive.key.template";
    private static final String KEY_TEMPLATE_DOC = "Object key of a video. Placeholders: {prefix}, {date} (UTC yyyy/MM/dd of the API's "
            + "completion time), {requestId} (URL-safe: other characters become _), {taskId}, {index} (0 for the first result URL), "
            + "{ext} (from the Content-Type: video/mp4 gives mp4). Must hold {taskId} and {index}, so that a video archived again "
            + "(after a retry or a restart) overwrites its own object and no other.";

    public static final String REGION = "ltx.archive.region";
    private static final String REGION_DOC = "Region of the bucket. Empty: the AWS SDK's default region chain (AWS_REGION, the profile, "
            + "the instance), or us-east-1 with ltx.archive.endpoint.";

    public static final String ENDPOINT = "ltx.archive.endpoint";
    private static final String ENDPOINT_DOC = "Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy, ...), e.g. http://minio:9000; "
            + "empty for AWS S3. Requests are signed (SigV4): the secret key never travels, but over http:// the videos do in clear.";

    public static final String PATH_STYLE = "ltx.archive.path.style.access";
    private static final String PATH_STYLE_DOC = "Address the bucket in the path (http://host/bucket/key) instead of the host name; "
            + "MinIO and most S3-compatible stores need it.";

    public static final String ACCESS_KEY_ID = "ltx.archive.access.key.id";
    private static final String ACCESS_KEY_ID_DOC = "Access key id of static credentials, with ltx.archive.secret.access.key; give both "
            + "through a config provider. Empty: the AWS SDK's default credentials chain (environment, profile, web identity, container "
            + "or instance role).";

    public static final String SECRET_ACCESS_KEY = "ltx.archive.secret.access.key";
    private static final String SECRET_ACCESS_KEY_DOC = "Secret access key of static credentials, with ltx.archive.access.key.id. "
            + "Never logged or shown by the REST API.";

    public static final String PRESIGN_TTL_MS = "ltx.archive.presign.ttl.ms";
    private static final String PRESIGN_TTL_MS_DOC = "Lifetime of the pre-signed HTTPS URLs the event carries in archivedHttpsUrls "
            + "(at most 7 days, SigV4's limit); 0: none. A pre-signed URL names the access key id (never the secret).";

    public static final String MAX_CONCURRENT = "ltx.archive.max.concurrent";
    private static final String MAX_CONCURRENT_DOC = "Videos one source task transfers at once. Each transfer holds one part buffer "
            + "(ltx.archive.part.size.bytes), so a task's archiving needs at most this times the part size of heap.";
    public static final int MAX_CONCURRENT_DEFAULT = 4;

    public static final String MAX_QUEUED = "ltx.archive.max.queued";
    private static final String MAX_QUEUED_DOC = "Successful requests one task lets wait for their archive (transferring or queued): while "
            + "this many wait, the task makes no status calls and reads no tracking records, until the queue is shorter.";
    public static final int MAX_QUEUED_DEFAULT = 32;

    public static final String PART_SIZE = "ltx.archive.part.size.bytes";
    private static final String PART_SIZE_DOC = "Part size of multipart uploads (at least 5 MiB, S3's minimum) and the largest video sent "
            + "in one PUT; a transfer streams the download through one buffer of this size.";
    public static final int PART_SIZE_DEFAULT = 8 * 1024 * 1024;

    public static final String FAILURE_POLICY = "ltx.archive.failure.policy";
    private static final String FAILURE_POLICY_DOC = "When archiving keeps failing (the store unreachable or refusing) for "
            + "ltx.archive.max.wait.ms: emit (the event goes out with the original URLs and archiveFailure saying why) or fail (the "
            + "task fails and the event is held until archiving works after a restart). An expired or refused result URL (HTTP 403, "
            + "404, 410) gives the event with archiveFailure at once under either policy: no retry can archive it.";
    public static final String FAILURE_POLICY_DEFAULT = "emit";

    public static final String MAX_WAIT_MS = "ltx.archive.max.wait.ms";
    private static final String MAX_WAIT_MS_DOC = "Longest time a successful request waits for its videos to be archived (retries "
            + "included) before ltx.archive.failure.policy applies.";
    public static final long MAX_WAIT_MS_DEFAULT = 600_000L;

    public static final String RETRY_BACKOFF_MS = "ltx.archive.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "First delay before a failed transfer is tried again (download and upload from the "
            + "start); it doubles, with jitter, up to ltx.archive.retry.backoff.max.ms.";
    public static final long RETRY_BACKOFF_MS_DEFAULT = 1_000L;

    public static final String RETRY_BACKOFF_MAX_MS = "ltx.archive.retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Cap on one delay between transfer attempts.";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 30_000L;

    public static final String CONNECT_TIMEOUT_MS = "ltx.archive.connect.timeout.ms";
    private static final String CONNECT_TIMEOUT_MS_DOC = "Time-out for opening a connection to a result URL or to the store.";
    public static final int CONNECT_TIMEOUT_MS_DEFAULT = 10_000;

    public static final String READ_TIMEOUT_MS = "ltx.archive.read.timeout.ms";
    private static final String READ_TIMEOUT_MS_DOC = "Longest silence of a download or a store connection: a stalled transfer fails "
            + "(and is tried again) instead of hanging.";
    public static final int READ_TIMEOUT_MS_DEFAULT = 30_000;

    private static final long SEVEN_DAYS_MS = 7L * 24 * 3600 * 1000;

    private ArchiveConfig() {
    }

    /** Defines the keys into {@code def} in group {@value #GROUP}. */
    static ConfigDef define(ConfigDef def) {
        int o = 0;
        return def
                .define(ENABLED, Type.BOOLEAN, false, Importance.MEDIUM, ENABLED_DOC, GROUP, ++o, Width.SHORT, "Archive videos")
                .define(BUCKET, Type.STRING, "", Importance.HIGH, BUCKET_DOC, GROUP, ++o, Width.MEDIUM, "Bucket")
                .define(KEY_PREFIX, Type.STRING, KEY_PREFIX_DEFAULT, Importance.LOW, KEY_PREFIX_DOC, GROUP, ++o, Width.MEDIUM, "Key prefix")
                .define(KEY_TEMPLATE, Type.STRING, KeyTemplate.DEFAULT, templateValidator(), Importance.LOW, KEY_TEMPLATE_DOC, GROUP, ++o,
                        Width.LONG, "Key template")
                .define(REGION, Type.STRING, "", Importance.MEDIUM, REGION_DOC, GROUP, ++o, Width.SHORT, "Region")
                .define(ENDPOINT, Type.STRING, "", Validators.httpUrl(true), Importance.MEDIUM, ENDPOINT_DOC, GROUP, ++o, Width.LONG,
                        "Endpoint override")
                .define(PATH_STYLE, Type.BOOLEAN, false, Importance.LOW, PATH_STYLE_DOC, GROUP, ++o, Width.SHORT, "Path-style access")
                .define(ACCESS_KEY_ID, Type.PASSWORD, null, Importance.MEDIUM, ACCESS_KEY_ID_DOC, GROUP, ++o, Width.MEDIUM, "Access key id")
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.MEDIUM, SECRET_ACCESS_KEY_DOC, GROUP, ++o, Width.MEDIUM,
                        "Secret access key")
                .define(PRESIGN_TTL_MS, Type.LONG, 0L, Range.between(0L, SEVEN_DAYS_MS), Importance.LOW, PRESIGN_TTL_MS_DOC, GROUP, ++o,
                        Width.SHORT, "Pre-signed URL lifetime (ms)")
                .define(MAX_CONCURRENT, Type.INT, MAX_CONCURRENT_DEFAULT, Range.between(1, 64), Importance.LOW, MAX_CONCURRENT_DOC, GROUP,
                        ++o, Width.SHORT, "Concurrent transfers")
                .define(MAX_QUEUED, Type.INT, MAX_QUEUED_DEFAULT, Range.between(1, 100_000), Importance.LOW, MAX_QUEUED_DOC, GROUP, ++o,
                        Width.SHORT, "Max queued successes")
                .define(PART_SIZE, Type.INT, PART_SIZE_DEFAULT, Range.between(ArchiveSettings.MIN_PART_SIZE, 512 * 1024 * 1024),
                        Importance.LOW, PART_SIZE_DOC, GROUP, ++o, Width.SHORT, "Part size (bytes)")
                .define(FAILURE_POLICY, Type.STRING, FAILURE_POLICY_DEFAULT, ConfigDef.CaseInsensitiveValidString.in("emit", "fail"),
                        Importance.MEDIUM, FAILURE_POLICY_DOC, GROUP, ++o, Width.SHORT, "Failure policy")
                .define(MAX_WAIT_MS, Type.LONG, MAX_WAIT_MS_DEFAULT, Range.atLeast(100L), Importance.MEDIUM, MAX_WAIT_MS_DOC, GROUP, ++o,
                        Width.SHORT, "Max wait (ms)")
                .define(RETRY_BACKOFF_MS, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(1L), Importance.LOW, RETRY_BACKOFF_MS_DOC,
                        GROUP, ++o, Width.SHORT, "Retry backoff (ms)")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1L), Importance.LOW,
                        RETRY_BACKOFF_MAX_MS_DOC, GROUP, ++o, Width.SHORT, "Retry backoff cap (ms)")
                .define(CONNECT_TIMEOUT_MS, Type.INT, CONNECT_TIMEOUT_MS_DEFAULT, Range.between(100, 600_000), Importance.LOW,
                        CONNECT_TIMEOUT_MS_DOC, GROUP, ++o, Width.SHORT, "Connect time-out (ms)")
                .define(READ_TIMEOUT_MS, Type.INT, READ_TIMEOUT_MS_DEFAULT, Range.between(100, 600_000), Importance.LOW,
                        READ_TIMEOUT_MS_DOC, GROUP, ++o, Width.SHORT, "Read time-out (ms)");
    }

    private static ConfigDef.Validator templateValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String problem = KeyTemplate.problem(value == null ? null : value.toString());
                if (problem != null) {
                    throw new ConfigException(name, value, problem);
                }
            }

            @Override
            public String toString() {
                return "a key template holding {taskId} and {index}";
            }
        };
    }

    /** Cross-field rules: a bucket when archiving is on, both static keys or neither. Secrets never appear in messages. */
    static void validateCrossField(Map<String, String> props, Map<String, ConfigValue> results) {
        boolean enabled = Boolean.parseBoolean(String.valueOf(props.getOrDefault(ENABLED, "false")).trim());
        ConfigValue bucket = results.get(BUCKET);
        if (enabled && bucket != null && bucket.errorMessages().isEmpty() && (bucket.value() == null || bucket.value().toString().isBlank())) {
            bucket.addErrorMessage(BUCKET + " is required when " + ENABLED + " is true");
        }
        ConfigValue id = results.get(ACCESS_KEY_ID);
        ConfigValue secret = results.get(SECRET_ACCESS_KEY);
        if (id != null && secret != null && set(id.value()) != set(secret.value())) {
            (set(id.value()) ? secret : id).addErrorMessage("give both " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + ", or neither "
                    + "(then the AWS SDK's default credentials chain applies)");
        }
    }

    private static boolean set(Object value) {
        return value instanceof Password p && p.value() != null && !p.value().isBlank();
    }

    /** Whether archiving is on. */
    public static boolean enabled(LtxConfig config) {
        return config.getBoolean(ENABLED);
    }

    /** The archive stage's settings; the downloads take the API's proxy and trust. */
    public static ArchiveSettings settings(LtxConfig config) {
        String bucket = config.getString(BUCKET).trim();
        if (bucket.isEmpty()) {
            throw new ConfigException(BUCKET + " is required when " + ENABLED + " is true");
        }
        String endpoint = config.getString(ENDPOINT).trim();
        String region = config.getString(REGION).trim();
        return new ArchiveSettings(bucket, KeyTemplate.of(config.getString(KEY_TEMPLATE), config.getString(KEY_PREFIX)),
                region.isEmpty() ? Optional.empty() : Optional.of(region),
                endpoint.isEmpty() ? Optional.empty() : Optional.of(URI.create(endpoint)), config.getBoolean(PATH_STYLE),
                password(config, ACCESS_KEY_ID), password(config, SECRET_ACCESS_KEY), Duration.ofMillis(config.getLong(PRESIGN_TTL_MS)),
                config.getInt(MAX_CONCURRENT), config.getInt(MAX_QUEUED), config.getInt(PART_SIZE),
                ArchiveSettings.FailurePolicy.valueOf(config.getString(FAILURE_POLICY).trim().toUpperCase(Locale.ROOT)),
                Duration.ofMillis(config.getLong(MAX_WAIT_MS)),
                new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(config.getLong(RETRY_BACKOFF_MS)),
                        Duration.ofMillis(Math.max(config.getLong(RETRY_BACKOFF_MS), config.getLong(RETRY_BACKOFF_MAX_MS)))),
                Duration.ofMillis(config.getInt(CONNECT_TIMEOUT_MS)), Duration.ofMillis(config.getInt(READ_TIMEOUT_MS)),
                config.transport());
    }

    private static Optional<Password> password(LtxConfig config, String key) {
        return Optional.ofNullable(config.getPassword(key)).filter(p -> p.value() != null && !p.value().isBlank());
    }
}
