package io.ltx2.connect.config;

import io.ltx2.connect.util.Redaction;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of {@code LtxSourceConnector}: the shared keys of {@link LtxConfig} plus where
 * events go, how status calls are scheduled, and the callback receiver.
 */
public class LtxSourceConfig extends LtxConfig {

    public static final String EVENTS_GROUP = "Events";
    public static final String POLL_GROUP = "Status polling";
    public static final String CALLBACK_GROUP = "Callback receiver";

    public static final String EVENTS_TOPIC = "ltx.events.topic";
    private static final String EVENTS_TOPIC_DOC = "Topic of the terminal events (key = request id, value = struct "
            + "io.ltx2.connect.TerminalEvent v4): exactly one per request (per request record), state success, failed or rejected.";
    public static final String EVENTS_TOPIC_DEFAULT = "ltx.events";

    public static final String TASK_TIMEOUT_MS = "ltx.task.timeout.ms";
    private static final String TASK_TIMEOUT_MS_DOC = "A task still unfinished this long after its submission gets one last status "
            + "call and then a failed event with failCode TIMEOUT.";
    public static final long TASK_TIMEOUT_MS_DEFAULT = 30 * 60_000L;

    public static final String NOT_FOUND_GRACE_MS = "ltx.notfound.grace.ms";
    private static final String NOT_FOUND_GRACE_MS_DOC = "How long after submission a 404 from the status endpoint is taken for "
            + "replication lag and retried; a 404 after that gives a failed event with failCode NOT_FOUND.";
    public static final long NOT_FOUND_GRACE_MS_DEFAULT = 120_000L;

    public static final String PARTITION_CHECK_INTERVAL_MS = "ltx.partition.check.interval.ms";
    private static final String PARTITION_CHECK_INTERVAL_MS_DOC = "How often the connector looks at the tracking topic's partition "
            + "count and, when it changed, redistributes the partitions across its tasks.";
    public static final long PARTITION_CHECK_INTERVAL_MS_DEFAULT = 60_000L;

    public static final String MAX_OUTSTANDING = "ltx.source.max.outstanding";
    private static final String MAX_OUTSTANDING_DOC = "Requests one source task holds in memory (read from the tracking topic and "
            + "not yet resolved) before it pauses reading the tracking topic; it resumes below 80% of it. Bounds the heap when a "
            + "large backlog of SUBMITTED records is waiting; the records stay in Kafka meanwhile. The default (about 20 MB of heap) is "
            + "two minutes of status calls at the API's 10,000 calls a minute, plenty to keep a drain at the ceiling.";
    public static final int MAX_OUTSTANDING_DEFAULT = 20_000;

    public static final String POLL_SCHEDULE = "ltx.poll.schedule";
    private static final String POLL_SCHEDULE_DOC = "adaptive: the first status call ltx.poll.target.delay.ms after the 5th percentile of "
            + "the generation time expected for the task's resolution, duration and LoRA (learnt from the completions observed), then one "
            + "every ltx.poll.target.delay.ms; fixed: wait ltx.poll.fixed.initial.delay.ms, then poll every ltx.poll.fixed.interval.ms "
            + "(the vendor's advice).";
    public static final String POLL_SCHEDULE_DEFAULT = "adaptive";

    public static final String POLL_FIXED_INITIAL_DELAY_MS = "ltx.poll.fixed.initial.delay.ms";
    private static final String POLL_FIXED_INITIAL_DELAY_MS_DOC = "Fixed schedule: delay between submission and the first status call.";
    public static final long POLL_FIXED_INITIAL_DELAY_MS_DEFAULT = 60_000L;

    public static final String POLL_FIXED_INTERVAL_MS = "ltx.poll.fixed.interval.ms";
    private static final String POLL_FIXED_INTERVAL_MS_DOC = "Fixed schedule: interval between status calls after the first.";
    public static final long POLL_FIXED_INTERVAL_MS_DEFAULT = 5_000L;

    public static final String POLL_TIME_SCALE = "ltx.poll.time.scale";
    private static final String POLL_TIME_SCALE_DOC = "Adaptive schedule: factor applied to the contract's expected generation times "
            + "before anything has been learnt (1.0 for the real API; e.g. 0.01 for a simulator running 100 times faster).";
    public static final double POLL_TIME_SCALE_DEFAULT = 1.0;

    public static final String POLL_MIN_INTERVAL_MS = "ltx.poll.min.interval.ms";
    private static final String POLL_MIN_INTERVAL_MS_DOC = "Adaptive schedule: shortest interval between two status calls of one task.";
    public static final long POLL_MIN_INTERVAL_MS_DEFAULT = 2_000L;

    public static final String POLL_TARGET_DELAY_MS = "ltx.poll.target.delay.ms";
    private static final String POLL_TARGET_DELAY_MS_DOC = "Adaptive schedule: the p95 detection delay aimed at. The first status call "
            + "comes this long after the 5th percentile of the expected generation time, then one every this interval while the task is "
            + "within its expected time, so about 95% of the completions are seen at most this late. Smaller detects sooner and costs "
            + "more calls (one more for each such interval a generation outlasts the first call). Kept within the min and max intervals.";
    public static final long POLL_TARGET_DELAY_MS_DEFAULT = 4_000L;

    public static final String POLL_MAX_INTERVAL_MS = "ltx.poll.max.interval.ms";
    private static final String POLL_MAX_INTERVAL_MS_DOC = "Adaptive schedule: longest interval between two status calls of a task that "
            + "is later than expected.";
    public static final long POLL_MAX_INTERVAL_MS_DEFAULT = 30_000L;

    public static final String POLL_MAX_CONCURRENT = "ltx.poll.max.concurrent";
    private static final String POLL_MAX_CONCURRENT_DOC = "Status calls one task keeps on the wire at once (the calls per minute are "
            + "bounded separately by ltx.api.rate.limit.per.minute, split across tasks).";
    public static final int POLL_MAX_CONCURRENT_DEFAULT = 32;

    public static final String POLL_MALFORMED_MAX = "ltx.poll.malformed.max";
    private static final String POLL_MALFORMED_MAX_DOC = "Unreadable status answers in a row for one task before it is given up with a "
            + "failed event, failCode MALFORMED_RESPONSE.";
    public static final int POLL_MALFORMED_MAX_DEFAULT = 5;

    public enum Schedule { ADAPTIVE, FIXED }

    public static ConfigDef configDef() {
        int order = 0;
        ConfigDef def = LtxConfig.baseConfigDef()
                .define(EVENTS_TOPIC, Type.STRING, EVENTS_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        EVENTS_TOPIC_DOC, EVENTS_GROUP, ++order, Width.MEDIUM, "Events topic")
                .define(TASK_TIMEOUT_MS, Type.LONG, TASK_TIMEOUT_MS_DEFAULT, Range.atLeast(1), Importance.MEDIUM,
                        TASK_TIMEOUT_MS_DOC, EVENTS_GROUP, ++order, Width.SHORT, "Task time-out (ms)")
                .define(NOT_FOUND_GRACE_MS, Type.LONG, NOT_FOUND_GRACE_MS_DEFAULT, Range.atLeast(0), Importance.LOW,
                        NOT_FOUND_GRACE_MS_DOC, EVENTS_GROUP, ++order, Width.SHORT, "404 grace period (ms)")
                .define(PARTITION_CHECK_INTERVAL_MS, Type.LONG, PARTITION_CHECK_INTERVAL_MS_DEFAULT, Range.atLeast(100), Importance.LOW,
                        PARTITION_CHECK_INTERVAL_MS_DOC, EVENTS_GROUP, ++order, Width.SHORT, "Partition check interval (ms)")
                .define(MAX_OUTSTANDING, Type.INT, MAX_OUTSTANDING_DEFAULT, Range.atLeast(1), Importance.LOW,
                        MAX_OUTSTANDING_DOC, EVENTS_GROUP, ++order, Width.SHORT, "Max outstanding requests per task");
        RetryConfig.define(def, EVENTS_GROUP, order);
        order = 0;
        def.define(POLL_SCHEDULE, Type.STRING, POLL_SCHEDULE_DEFAULT, ConfigDef.CaseInsensitiveValidString.in("adaptive", "fixed"),
                        Importance.MEDIUM, POLL_SCHEDULE_DOC, POLL_GROUP, ++order, Width.SHORT, "Poll schedule")
                .define(POLL_FIXED_INITIAL_DELAY_MS, Type.LONG, POLL_FIXED_INITIAL_DELAY_MS_DEFAULT, Range.atLeast(0), Importance.LOW,
                        POLL_FIXED_INITIAL_DELAY_MS_DOC, POLL_GROUP, ++order, Width.SHORT, "Fixed: initial delay (ms)")
                .define(POLL_FIXED_INTERVAL_MS, Type.LONG, POLL_FIXED_INTERVAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        POLL_FIXED_INTERVAL_MS_DOC, POLL_GROUP, ++order, Width.SHORT, "Fixed: interval (ms)")
                .define(POLL_TIME_SCALE, Type.DOUBLE, POLL_TIME_SCALE_DEFAULT, Range.between(0.0001, 1000.0), Importance.LOW,
                        POLL_TIME_SCALE_DOC, POLL_GROUP, ++order, Width.SHORT, "Adaptive: time scale")
                .define(POLL_MIN_INTERVAL_MS, Type.LONG, POLL_MIN_INTERVAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        POLL_MIN_INTERVAL_MS_DOC, POLL_GROUP, ++order, Width.SHORT, "Adaptive: min interval (ms)")
                .define(POLL_TARGET_DELAY_MS, Type.LONG, POLL_TARGET_DELAY_MS_DEFAULT, Range.atLeast(1), Importance.MEDIUM,
                        POLL_TARGET_DELAY_MS_DOC, POLL_GROUP, ++order, Width.SHORT, "Adaptive: target delay (ms)")
                .define(POLL_MAX_INTERVAL_MS, Type.LONG, POLL_MAX_INTERVAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        POLL_MAX_INTERVAL_MS_DOC, POLL_GROUP, ++order, Width.SHORT, "Adaptive: max interval (ms)")
                .define(POLL_MAX_CONCURRENT, Type.INT, POLL_MAX_CONCURRENT_DEFAULT, Range.between(1, 1000), Importance.LOW,
                        POLL_MAX_CONCURRENT_DOC, POLL_GROUP, ++order, Width.SHORT, "Concurrent status calls")
                .define(POLL_MALFORMED_MAX, Type.INT, POLL_MALFORMED_MAX_DEFAULT, Range.atLeast(1), Importance.LOW,
                        POLL_MALFORMED_MAX_DOC, POLL_GROUP, ++order, Width.SHORT, "Malformed answers before giving up");
        return ArchiveConfig.define(CallbackConfig.define(def, CALLBACK_GROUP));
    }

    public LtxSourceConfig(Map<String, ?> props) {
        this(configDef(), props);
    }

    protected LtxSourceConfig(ConfigDef def, Map<String, ?> props) {
        super(def, props);
    }

    /** Cross-field rules, added to the per-key results of {@code Connector.validate}. */
    public static void validateCrossField(Map<String, String> props, Map<String, ConfigValue> results) {
        CallbackConfig.validateCrossField(props, results);
        ConfigValue min = results.get(POLL_MIN_INTERVAL_MS);
        ConfigValue max = results.get(POLL_MAX_INTERVAL_MS);
        if (min != null && max != null && min.value() instanceof Long lo && max.value() instanceof Long hi && lo > hi) {
            max.addErrorMessage(POLL_MAX_INTERVAL_MS + " must not be smaller than " + POLL_MIN_INTERVAL_MS);
        }
        ConfigValue events = results.get(EVENTS_TOPIC);
        ConfigValue tracking = results.get(TRACKING_TOPIC);
        if (events != null && tracking != null && events.value() != null && events.value().equals(tracking.value())) {
            events.addErrorMessage(EVENTS_TOPIC + " must differ from " + TRACKING_TOPIC);
        }
        ArchiveConfig.validateCrossField(props, results);
    }

    public String eventsTopic() {
        return getString(EVENTS_TOPIC);
    }

    /** Which task fail codes are retried. */
    public RetryConfig.Settings retries() {
        return RetryConfig.Settings.of(this);
    }

    public Duration taskTimeout() {
        return Duration.ofMillis(getLong(TASK_TIMEOUT_MS));
    }

    public Duration notFoundGrace() {
        return Duration.ofMillis(getLong(NOT_FOUND_GRACE_MS));
    }

    public Duration partitionCheckInterval() {
        return Duration.ofMillis(getLong(PARTITION_CHECK_INTERVAL_MS));
    }

    public int maxOutstanding() {
        return getInt(MAX_OUTSTANDING);
    }

    public Schedule pollSchedule() {
        return Schedule.valueOf(getString(POLL_SCHEDULE).toUpperCase(Locale.ROOT));
    }

    public Duration fixedInitialDelay() {
        return Duration.ofMillis(getLong(POLL_FIXED_INITIAL_DELAY_MS));
    }

    public Duration fixedInterval() {
        return Duration.ofMillis(getLong(POLL_FIXED_INTERVAL_MS));
    }

    public double timeScale() {
        return getDouble(POLL_TIME_SCALE);
    }

    public Duration minPollInterval() {
        return Duration.ofMillis(getLong(POLL_MIN_INTERVAL_MS));
    }

    public Duration pollTargetDelay() {
        return Duration.ofMillis(getLong(POLL_TARGET_DELAY_MS));
    }

    public Duration maxPollInterval() {
        return Duration.ofMillis(Math.max(getLong(POLL_MAX_INTERVAL_MS), getLong(POLL_MIN_INTERVAL_MS)));
    }

    public int maxConcurrentPolls() {
        return getInt(POLL_MAX_CONCURRENT);
    }

    public int malformedMax() {
        return getInt(POLL_MALFORMED_MAX);
    }

    public boolean callbackEnabled() {
        return getBoolean(CallbackConfig.ENABLED);
    }

    public String callbackHost() {
        return getString(CallbackConfig.HOST);
    }

    public int callbackPort() {
        return getInt(CallbackConfig.PORT);
    }

    /** The receiver's token and HMAC secret: a status answer's failMsg may echo the callback URL. */
    @Override
    protected Redaction connectorSecrets() {
        List<String> secrets = new ArrayList<>();
        callbackToken().ifPresent(t -> secrets.add(t.value()));
        callbackHmacSecret().ifPresent(h -> secrets.add(h.value()));
        return Redaction.of(secrets);
    }

    public Optional<Password> callbackToken() {
        return Optional.ofNullable(getPassword(CallbackConfig.TOKEN)).filter(p -> p.value() != null && !p.value().isBlank());
    }

    public Optional<Password> callbackHmacSecret() {
        return Optional.ofNullable(getPassword(CallbackConfig.HMAC_SECRET)).filter(p -> p.value() != null && !p.value().isEmpty());
    }

    public String callbackHmacHeader() {
        return getString(CallbackConfig.HMAC_HEADER);
    }

    public boolean callbackConfirm() {
        return getBoolean(CallbackConfig.CONFIRM);
    }

    public int callbackMaxBodyBytes() {
        return getInt(CallbackConfig.MAX_BODY_BYTES);
    }

    public Duration safetyPollInterval() {
        return Duration.ofMillis(getLong(CallbackConfig.SAFETY_POLL_MS));
    }

    /** The receiver's bounds: ltx.callback.max.connections. */
    public int callbackMaxConnections() {
        return getInt(CallbackConfig.MAX_CONNECTIONS);
    }

    public int callbackThreads() {
        return getInt(CallbackConfig.THREADS);
    }

    public Duration callbackIdleTimeout() {
        return Duration.ofMillis(getLong(CallbackConfig.IDLE_TIMEOUT_MS));
    }

}
