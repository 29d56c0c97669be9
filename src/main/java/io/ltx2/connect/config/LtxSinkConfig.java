package io.ltx2.connect.config;

import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.Mode;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of {@link io.ltx2.connect.LtxSinkConnector}: the shared keys plus request, default-input and pipeline settings. */
public class LtxSinkConfig extends LtxConfig {

    public static final String REQUEST_GROUP = "Requests";
    public static final String DEFAULTS_GROUP = "Default input";
    public static final String SINK_GROUP = "Sink pipeline";
    public static final String COST_GROUP = "Cost controls";

    public static final String REQUEST_TYPE = "ltx.request.type";
    private static final String REQUEST_TYPE_DOC = "async: the source connector polls each task's status. callback: the API POSTs the "
            + "result to ltx.callback.url (polling stays on as a slow safety net).";
    public static final String REQUEST_TYPE_DEFAULT = "async";

    public static final String CALLBACK_URL = "ltx.callback.url";
    private static final String CALLBACK_URL_DOC = "Where the API sends webhooks when ltx.request.type=callback: the public URL of the "
            + "source connector's callback receiver, including its secret token. Treated as a secret: hidden by the REST API and never logged. "
            + "The API requires a public HTTPS endpoint: http:// is refused except to a loopback host (127.0.0.1, ::1, localhost), "
            + "for tests, the demo and the simulator.";

    public static final String PROVIDER = "ltx.provider";
    private static final String PROVIDER_DOC = "Routing strategy sent with every request whose record has no provider field.";
    public static final String PROVIDER_DEFAULT = "auto";

    public static final String HEADERS_PROPAGATE = "ltx.headers.propagate";
    private static final String HEADERS_PROPAGATE_DOC = "Headers of a request record (names, case-insensitive) that travel with the request "
            + "on its tracking records and appear on its terminal event, so an application can correlate and trace a request across the "
            + "pipeline. Default: the W3C trace context. Empty: none by name.";
    public static final String HEADERS_PROPAGATE_DEFAULT = "traceparent,tracestate";

    public static final String HEADERS_PROPAGATE_PATTERN = "ltx.headers.propagate.pattern";
    private static final String HEADERS_PROPAGATE_PATTERN_DOC = "A regular expression: headers whose whole name matches it travel with the "
            + "request too (e.g. x-correlation-.*). Empty: none by pattern. Values longer than 4096 characters are not carried.";

    public static final String DEFAULT_MODE = "ltx.default.mode";
    private static final String DEFAULT_MODE_DOC = "Mode of a request record without a mode field.";
    public static final String DEFAULT_MODE_DEFAULT = Mode.TEXT_TO_VIDEO.wire();

    public static final String DEFAULT_RESOLUTION = "ltx.default.resolution";
    private static final String DEFAULT_RESOLUTION_DOC = "Resolution of a request record without a resolution field.";
    public static final String DEFAULT_RESOLUTION_DEFAULT = "720p";

    public static final String DEFAULT_DURATION = "ltx.default.duration";
    private static final String DEFAULT_DURATION_DOC = "Seconds of video for a request record without a duration field (billed per second).";
    public static final int DEFAULT_DURATION_DEFAULT = 10;

    public static final String DEFAULT_ASPECT_RATIO = "ltx.default.aspect.ratio";
    private static final String DEFAULT_ASPECT_RATIO_DOC = "Aspect ratio of a text-mode request record without an aspect_ratio field. "
            + "Never applied to image modes, where the API takes no aspect ratio.";
    public static final String DEFAULT_ASPECT_RATIO_DEFAULT = "16:9";

    public static final String DEFAULT_SEED = "ltx.default.seed";
    private static final String DEFAULT_SEED_DOC = "Seed of a request record without a seed field: -1 (random) or 1 to 2147483647. "
            + "Empty: no seed is sent and the API picks one.";

    public static final String MAX_IN_FLIGHT = "ltx.sink.max.in.flight";
    private static final String MAX_IN_FLIGHT_DOC = "Create calls one task has started and not yet finished (including its tracking record). "
            + "When reached, the task pauses its input partitions until there is room. Keep tasks x this below the API's "
            + ContractLimits.CONCURRENT_TASKS + " concurrent tasks only if generations are short; the API answers 429 otherwise, which is retried.";
    public static final int MAX_IN_FLIGHT_DEFAULT = 500;

    public static final String DEDUP_LOOKBACK_MS = "ltx.sink.dedup.lookback.ms";
    private static final String DEDUP_LOOKBACK_MS_DOC = "When a task gets a partition, it scans the tracking topic for records of requests it "
            + "is about to be given again, starting this long before the timestamp of the first record redelivered. Covers clock skew "
            + "between producers and the Connect workers; a larger value costs a longer scan at start-up.";
    public static final long DEDUP_LOOKBACK_MS_DEFAULT = 300_000L;

    public static final String SHUTDOWN_TIMEOUT_MS = "ltx.sink.shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "On stop or partition revocation, how long a task waits for its creates in flight "
            + "and their tracking records, so the next owner of the partitions sees them. Keep it below the worker's "
            + "task.shutdown.graceful.timeout.ms.";
    public static final int SHUTDOWN_TIMEOUT_MS_DEFAULT = 4_000;

    public static final String ADOPTION_TIMEOUT_MS = "ltx.sink.adoption.timeout.ms";
    private static final String ADOPTION_TIMEOUT_MS_DOC = "Callback mode: a request whose create may exist without an answer (the worker "
            + "stopped or the partition moved between the create and its SUBMITTED record) is not created again at once: the task's "
            + "callback names the request, and the sink adopts the task (a SUBMITTED record marked adopted, which the source follows). If "
            + "no callback arrives this long after the create's INTENT record (after its failure, for a create of this task that got no "
            + "usable answer), the request is submitted again (its event names the earlier "
            + "attempt). Cover the longest generation (with time waiting in the API's queue) plus the API's callback retries (30 s, 2 min "
            + "and 10 min after completion).";
    public static final long ADOPTION_TIMEOUT_MS_DEFAULT = 30 * 60_000L;

    public static final String BUDGET_SECONDS_PER_HOUR = "ltx.sink.budget.video.seconds.per.hour";
    private static final String BUDGET_SECONDS_PER_HOUR_DOC = "Most seconds of video (the sum of the requests' duration) this connector "
            + "submits in any sliding hour; 0 for no cap. Each task gets an equal part. When it is reached the sink pauses its input "
            + "(nothing is rejected) and resumes as older submissions leave the window. Must be at least tasks.max x "
            + ContractLimits.DURATION_MAX + ". Survives restarts: each task checkpoints its spend to ltx.sink.budget.topic and reads "
            + "the tracking records written since (the whole window from the tracking topic when it has no checkpoint yet).";
    public static final long BUDGET_SECONDS_PER_HOUR_DEFAULT = 0L;

    public static final String BUDGET_SECONDS_PER_DAY = "ltx.sink.budget.video.seconds.per.day";
    private static final String BUDGET_SECONDS_PER_DAY_DOC = "Most seconds of video this connector submits in any sliding 24 hours; 0 for "
            + "no cap. Same behaviour as " + BUDGET_SECONDS_PER_HOUR + "; without a spend checkpoint yet (the first start after an "
            + "upgrade), a task reads back a day of the tracking topic at start-up.";
    public static final long BUDGET_SECONDS_PER_DAY_DEFAULT = 0L;

    public static final String DRY_RUN = "ltx.sink.dry.run";
    private static final String DRY_RUN_DOC = "Validate each request and record what would be submitted, without calling the create endpoint: "
            + "every valid request gets a REJECTED tracking record (and so a rejected event) with failCode DRY_RUN and the input that would "
            + "have been sent. Invalid requests are rejected as usual. Nothing is billed.";
    public static final boolean DRY_RUN_DEFAULT = false;

    public static final String CONCURRENCY_EVENTS_TOPIC = "ltx.sink.concurrency.events.topic";
    private static final String CONCURRENCY_EVENTS_TOPIC_DOC = "The source connector's events topic (its ltx.events.topic), read through "
            + "the ltx.tracking.* client settings. When set, the sink counts the API tasks it has submitted that have no terminal event yet, "
            + "and each of its tasks keeps that number below its part of ltx.quota.share x ltx.quota.key.max.concurrent.tasks, pausing its "
            + "input at the cap. Empty: no such cap (the API's 429 answers still slow the sink down).";

    public static final String CONCURRENCY_TIMEOUT_MS = "ltx.sink.concurrency.task.timeout.ms";
    private static final String CONCURRENCY_TIMEOUT_MS_DOC = "How long a submitted task counts as running when no terminal event names it. "
            + "Set it to the source connector's ltx.task.timeout.ms, after which the source emits a terminal event anyway.";
    public static final long CONCURRENCY_TIMEOUT_MS_DEFAULT = 30 * 60_000L;

    public static final String DUPLICATE_WINDOW_MS = "ltx.sink.duplicate.guard.window.ms";
    private static final String DUPLICATE_WINDOW_MS_DOC = "Duplicate guard, off when 0. A request with a fixed seed (not -1, not empty) whose "
            + "input, provider and model equal those of a task this connector created within this window is not submitted again when "
            + "the API reports that task succeeded: the request gets that task's result (a success event with the earlier task id and "
            + "result URLs) instead of a new, billed generation. Requests without a fixed seed are never matched. See docs/cost-controls.md.";
    public static final long DUPLICATE_WINDOW_MS_DEFAULT = 0L;
    public static final String CREATE_AMBIGUOUS_RETRIES = "ltx.sink.create.ambiguous.retries";
    private static final String CREATE_AMBIGUOUS_RETRIES_DOC = "How many times a create is retried after a failure that the API may "
            + "have processed (HTTP 500, 502, 504 or 408, response time-out, connection closed after sending): each such retry can create, and "
            + "bill, a second task for the same request. Failures that prove the request never reached the API (connection refused, "
            + "503) are retried up to " + API_RETRY_MAX + " regardless, and 429s are waited out without limit. When used up, the "
            + "request is REJECTED with SUBMIT_FAILED.";
    public static final int CREATE_AMBIGUOUS_RETRIES_DEFAULT = 1;
    public static final String CALLBACK_ADOPT_AMBIGUOUS = "ltx.sink.callback.adopt.ambiguous";
    private static final String CALLBACK_ADOPT_AMBIGUOUS_DOC = "Callback mode: a create whose answer was lost or ambiguous (a dropped "
            + "connection, a time-out, 500/502/504) may have made a task, which announces itself through its callback. true: wait for that "
            + "callback, up to ltx.sink.adoption.timeout.ms, and adopt the task: no second video for any reason the connector can see; "
            + "a new attempt (of the ltx.sink.create.ambiguous.retries allowed) only if no callback came. false: try again at once, as in "
            + "polling mode (a faster event; a second video is possible, and named on the event).";
    public static final boolean CALLBACK_ADOPT_AMBIGUOUS_DEFAULT = true;

    /** Connect's own key; read, not declared. */
    static final String CONNECTOR_NAME = "name";

    /** Connect's own key; read, not declared (the framework owns errors.*). */
    static final String ERRORS_TOLERANCE = "errors.tolerance";

    public static ConfigDef configDef() {
        ConfigDef def = baseConfigDef();
        int order = 0;
        def.define(REQUEST_TYPE, Type.STRING, REQUEST_TYPE_DEFAULT, ValidString.in(ContractLimits.REQUEST_TYPES.toArray(String[]::new)),
                        Importance.HIGH, REQUEST_TYPE_DOC, REQUEST_GROUP, ++order, Width.SHORT, "Request type")
                .define(CALLBACK_URL, Type.PASSWORD, null, Validators.secretHttpsUrl(), Importance.HIGH,
                        CALLBACK_URL_DOC, REQUEST_GROUP, ++order, Width.LONG, "Callback URL")
                .define(PROVIDER, Type.STRING, PROVIDER_DEFAULT, ValidString.in(ContractLimits.PROVIDERS.toArray(String[]::new)),
                        Importance.LOW, PROVIDER_DOC, REQUEST_GROUP, ++order, Width.SHORT, "Provider")
                .define(HEADERS_PROPAGATE, Type.LIST, HEADERS_PROPAGATE_DEFAULT, null,
                        Importance.LOW, HEADERS_PROPAGATE_DOC, REQUEST_GROUP, ++order, Width.LONG, "Headers that travel")
                .define(HEADERS_PROPAGATE_PATTERN, Type.STRING, "", Validators.regex(),
                        Importance.LOW, HEADERS_PROPAGATE_PATTERN_DOC, REQUEST_GROUP, ++order, Width.MEDIUM, "Header pattern");
        order = 0;
        def.define(DEFAULT_MODE, Type.STRING, DEFAULT_MODE_DEFAULT, ValidString.in(Mode.wireNames().toArray(String[]::new)),
                        Importance.MEDIUM, DEFAULT_MODE_DOC, DEFAULTS_GROUP, ++order, Width.MEDIUM, "Default mode")
                .define(DEFAULT_RESOLUTION, Type.STRING, DEFAULT_RESOLUTION_DEFAULT, ValidString.in(ContractLimits.RESOLUTIONS.toArray(String[]::new)),
                        Importance.MEDIUM, DEFAULT_RESOLUTION_DOC, DEFAULTS_GROUP, ++order, Width.SHORT, "Default resolution")
                .define(DEFAULT_DURATION, Type.INT, DEFAULT_DURATION_DEFAULT, Range.between(ContractLimits.DURATION_MIN, ContractLimits.DURATION_MAX),
                        Importance.MEDIUM, DEFAULT_DURATION_DOC, DEFAULTS_GROUP, ++order, Width.SHORT, "Default duration (s)")
                .define(DEFAULT_ASPECT_RATIO, Type.STRING, DEFAULT_ASPECT_RATIO_DEFAULT, ValidString.in(ContractLimits.ASPECT_RATIOS.toArray(String[]::new)),
                        Importance.LOW, DEFAULT_ASPECT_RATIO_DOC, DEFAULTS_GROUP, ++order, Width.SHORT, "Default aspect ratio")
                .define(DEFAULT_SEED, Type.LONG, null, Validators.seed(),
                        Importance.LOW, DEFAULT_SEED_DOC, DEFAULTS_GROUP, ++order, Width.SHORT, "Default seed");
        order = 0;
        def.define(MAX_IN_FLIGHT, Type.INT, MAX_IN_FLIGHT_DEFAULT, Range.between(1, 100_000),
                        Importance.MEDIUM, MAX_IN_FLIGHT_DOC, SINK_GROUP, ++order, Width.SHORT, "Max creates in flight per task")
                .define(DEDUP_LOOKBACK_MS, Type.LONG, DEDUP_LOOKBACK_MS_DEFAULT, Range.atLeast(0),
                        Importance.LOW, DEDUP_LOOKBACK_MS_DOC, SINK_GROUP, ++order, Width.SHORT, "Dedup look-back (ms)")
                .define(SHUTDOWN_TIMEOUT_MS, Type.INT, SHUTDOWN_TIMEOUT_MS_DEFAULT, Range.atLeast(0),
                        Importance.LOW, SHUTDOWN_TIMEOUT_MS_DOC, SINK_GROUP, ++order, Width.SHORT, "Shutdown wait (ms)")
                .define(CREATE_AMBIGUOUS_RETRIES, Type.INT, CREATE_AMBIGUOUS_RETRIES_DEFAULT, Range.atLeast(0),
                        Importance.MEDIUM, CREATE_AMBIGUOUS_RETRIES_DOC, SINK_GROUP, ++order, Width.SHORT, "Ambiguous create retries")
                .define(ADOPTION_TIMEOUT_MS, Type.LONG, ADOPTION_TIMEOUT_MS_DEFAULT, Range.atLeast(1_000),
                        Importance.LOW, ADOPTION_TIMEOUT_MS_DOC, SINK_GROUP, ++order, Width.SHORT, "Adoption wait (ms)")
                .define(CALLBACK_ADOPT_AMBIGUOUS, Type.BOOLEAN, CALLBACK_ADOPT_AMBIGUOUS_DEFAULT, Importance.LOW,
                        CALLBACK_ADOPT_AMBIGUOUS_DOC, SINK_GROUP, ++order, Width.SHORT, "Adopt ambiguous creates (callback mode)");
        AvailabilityConfig.define(def, SINK_GROUP, order);
        order = 0;
        def.define(BUDGET_SECONDS_PER_HOUR, Type.LONG, BUDGET_SECONDS_PER_HOUR_DEFAULT, Range.atLeast(0),
                        Importance.MEDIUM, BUDGET_SECONDS_PER_HOUR_DOC, COST_GROUP, ++order, Width.SHORT, "Video seconds per hour")
                .define(BUDGET_SECONDS_PER_DAY, Type.LONG, BUDGET_SECONDS_PER_DAY_DEFAULT, Range.atLeast(0),
                        Importance.MEDIUM, BUDGET_SECONDS_PER_DAY_DOC, COST_GROUP, ++order, Width.SHORT, "Video seconds per day")
                .define(DRY_RUN, Type.BOOLEAN, DRY_RUN_DEFAULT, null,
                        Importance.MEDIUM, DRY_RUN_DOC, COST_GROUP, ++order, Width.SHORT, "Dry run")
                .define(CONCURRENCY_EVENTS_TOPIC, Type.STRING, "", null,
                        Importance.MEDIUM, CONCURRENCY_EVENTS_TOPIC_DOC, COST_GROUP, ++order, Width.MEDIUM, "Events topic for the concurrency cap")
                .define(CONCURRENCY_TIMEOUT_MS, Type.LONG, CONCURRENCY_TIMEOUT_MS_DEFAULT, Range.atLeast(1_000),
                        Importance.LOW, CONCURRENCY_TIMEOUT_MS_DOC, COST_GROUP, ++order, Width.SHORT, "Running task time-out (ms)")
                .define(DUPLICATE_WINDOW_MS, Type.LONG, DUPLICATE_WINDOW_MS_DEFAULT, Range.between(0, 7 * 24 * 3_600_000L),
                        Importance.MEDIUM, DUPLICATE_WINDOW_MS_DOC, COST_GROUP, ++order, Width.SHORT, "Duplicate guard window (ms)");
        return BudgetTopicConfig.define(def, COST_GROUP, order);
    }

    public LtxSinkConfig(Map<String, ?> props) {
        this(configDef(), props);
    }

    protected LtxSinkConfig(ConfigDef def, Map<String, ?> props) {
        super(def, props);
    }

    public String requestType() {
        return getString(REQUEST_TYPE);
    }

    public boolean callbackMode() {
        return "callback".equals(requestType());
    }

    /** The callback URL; holds a secret token, so it stays a {@link Password} until the request body is built. */
    /** The callback URL, which carries the receiver's token: the API may echo it. */
    @Override
    protected Redaction connectorSecrets() {
        return callbackUrl().map(url -> Redaction.ofCallbackUrl(url.value())).orElse(Redaction.NONE);
    }

    public Optional<Password> callbackUrl() {
        Password p = getPassword(CALLBACK_URL);
        return p == null || p.value() == null || p.value().isBlank() ? Optional.empty() : Optional.of(p);
    }

    public String provider() {
        return getString(PROVIDER);
    }

    public RequestDefaults requestDefaults() {
        return new RequestDefaults(getString(DEFAULT_MODE), getString(DEFAULT_RESOLUTION), getInt(DEFAULT_DURATION),
                getString(DEFAULT_ASPECT_RATIO), getLong(DEFAULT_SEED), provider());
    }

    public List<String> propagatedHeaderNames() {
        return getList(HEADERS_PROPAGATE);
    }

    /** The header-name pattern, or null for none. */
    public String propagatedHeaderPattern() {
        String p = getString(HEADERS_PROPAGATE_PATTERN);
        return p == null || p.isBlank() ? null : p;
    }

    /** What the sink does while the API cannot take work. */
    public AvailabilityConfig.Settings availability() {
        return AvailabilityConfig.Settings.of(this);
    }

    public Duration adoptionTimeout() {
        return Duration.ofMillis(getLong(ADOPTION_TIMEOUT_MS));
    }

    /** The connector's name, which with a record's coordinates is a request's identity. */
    public String connectorName() {
        Object name = originals().get(CONNECTOR_NAME);
        return name == null || name.toString().isBlank() ? "ltx-sink" : name.toString();
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public Duration dedupLookback() {
        return Duration.ofMillis(getLong(DEDUP_LOOKBACK_MS));
    }

    /** Callback mode: an ambiguous create waits for its task's callback before another attempt ({@link #CALLBACK_ADOPT_AMBIGUOUS}). */
    public boolean callbackAdoptAmbiguous() {
        return getBoolean(CALLBACK_ADOPT_AMBIGUOUS);
    }

    /** Retries of a create whose failure may hide an accepted task ({@link #CREATE_AMBIGUOUS_RETRIES}). */
    public int createAmbiguousRetries() {
        return getInt(CREATE_AMBIGUOUS_RETRIES);
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));
    }

    /** Video seconds the connector may submit per sliding hour; 0 = no cap. */
    public long budgetSecondsPerHour() {
        return getLong(BUDGET_SECONDS_PER_HOUR);
    }

    /** Video seconds the connector may submit per sliding 24 hours; 0 = no cap. */
    public long budgetSecondsPerDay() {
        return getLong(BUDGET_SECONDS_PER_DAY);
    }

    /** The compacted topic of the caps' spend checkpoints. */
    public String budgetTopic() {
        String t = getString(BudgetTopicConfig.TOPIC);
        return t == null || t.isBlank() ? trackingTopic() + ".budget" : t.trim();
    }

    /** The budget topic's replication factor when the task creates it; empty for the broker's default. */
    public Optional<Short> budgetTopicReplicationFactor() {
        short rf = getShort(BudgetTopicConfig.REPLICATION_FACTOR);
        return rf == -1 ? Optional.empty() : Optional.of(rf);
    }

    public Duration budgetCheckpointInterval() {
        return Duration.ofMillis(getLong(BudgetTopicConfig.CHECKPOINT_INTERVAL_MS));
    }

    /** The source's events topic, when the sink caps its running tasks; empty otherwise. */
    public Optional<String> concurrencyEventsTopic() {
        String t = getString(CONCURRENCY_EVENTS_TOPIC);
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(t.trim());
    }

    public Duration concurrencyTimeout() {
        return Duration.ofMillis(getLong(CONCURRENCY_TIMEOUT_MS));
    }

    /** The duplicate guard's window; zero when the guard is off. */
    public Duration duplicateWindow() {
        return Duration.ofMillis(getLong(DUPLICATE_WINDOW_MS));
    }

    public boolean dryRun() {
        return getBoolean(DRY_RUN);
    }

    /** Whether Connect's {@code errors.tolerance} is {@code all}: bad records are reported and skipped rather than fatal. */
    public boolean toleratesErrors() {
        Object v = originals().get(ERRORS_TOLERANCE);
        return v != null && "all".equalsIgnoreCase(v.toString().trim());
    }
}
