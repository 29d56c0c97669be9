package io.ltx2.connect.config;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.ProxySettings;
import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TlsSettings;
import io.ltx2.connect.api.TransportSettings;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys both connectors accept: how to reach the API (with the proxy and TLS keys of
 * {@link ApiTransportConfig}) and the tracking topic. Declared once here and extended by
 * {@link LtxSinkConfig} and {@link LtxSourceConfig}.
 */
public class LtxConfig extends AbstractConfig {

    public static final String API_GROUP = "API";
    public static final String TRACKING_GROUP = "Tracking topic";

    public static final String API_URL = "ltx.api.url";
    private static final String API_URL_DOC = "Base URL of the APIXO API. Point it at the project's simulator for tests and demos. "
            + "https://, or http:// only to the loopback (127.0.0.0/8, ::1, localhost) for a local simulator: the API key never "
            + "travels in clear text (validate and each task's start refuse any other http:// URL).";

    public static final String API_KEY = "ltx.api.key";
    private static final String API_KEY_DOC = "API key, sent as a Bearer token. Supply it through a config provider "
            + "(${file:...} or ${env:...}); it is never logged or shown by the REST API.";

    public static final String MODEL = "ltx.model";
    private static final String MODEL_DOC = "Model id: the last path segment of both endpoints.";

    public static final String API_CONNECT_TIMEOUT_MS = "ltx.api.connect.timeout.ms";
    private static final String API_CONNECT_TIMEOUT_MS_DOC = "Time-out for opening a connection to the API.";
    public static final int API_CONNECT_TIMEOUT_MS_DEFAULT = 10_000;

    public static final String API_RESPONSE_TIMEOUT_MS = "ltx.api.response.timeout.ms";
    private static final String API_RESPONSE_TIMEOUT_MS_DOC = "Time-out for the API's answer to one call; a call that takes longer is retried.";
    public static final int API_RESPONSE_TIMEOUT_MS_DEFAULT = 30_000;

    public static final String API_MAX_CONNECTIONS = "ltx.api.max.connections";
    private static final String API_MAX_CONNECTIONS_DOC = "Pooled HTTP connections per task; also the most calls one task has on the wire at once.";
    public static final int API_MAX_CONNECTIONS_DEFAULT = 64;

    public static final String API_RATE_LIMIT = "ltx.api.rate.limit.per.minute";
    private static final String API_RATE_LIMIT_DOC = "Calls per minute this connector may make, split evenly across its tasks. "
            + "The API allows " + ContractLimits.CALLS_PER_MINUTE + " per key for everything that uses the key, so the sink's "
            + "and the source's budgets together should stay below that.";
    public static final int API_RATE_LIMIT_DEFAULT = 4_500;

    public static final String API_RETRY_MAX = "ltx.api.retry.max";
    private static final String API_RETRY_MAX_DOC = "Retries of a call that failed with 5xx, a time-out or an I/O error, before it is given up. "
            + "429 answers do not count: they are waited out (Retry-After, else the backoff) however often they come, with every "
            + "call of the task held back meanwhile and the sink's input paused.";
    public static final int API_RETRY_MAX_DEFAULT = 10;

    public static final String API_RETRY_BACKOFF_MS = "ltx.api.retry.backoff.ms";
    private static final String API_RETRY_BACKOFF_MS_DOC = "First retry delay; it doubles on each retry, with full jitter, up to ltx.api.retry.backoff.max.ms. "
            + "A Retry-After header from the API takes precedence.";
    public static final int API_RETRY_BACKOFF_MS_DEFAULT = 500;

    public static final String API_RETRY_BACKOFF_MAX_MS = "ltx.api.retry.backoff.max.ms";
    private static final String API_RETRY_BACKOFF_MAX_MS_DOC = "Cap on one computed retry delay (a Retry-After from the API is honoured up to 15 minutes).";
    public static final int API_RETRY_BACKOFF_MAX_MS_DEFAULT = 30_000;

    public static final String QUOTA_SHARE = "ltx.quota.share";
    private static final String QUOTA_SHARE_DOC = "Fraction of the API key's limits this connector may use: its calls per minute are at most "
            + "this share of ltx.quota.key.calls.per.minute (and of ltx.api.rate.limit.per.minute, whichever is smaller), split evenly "
            + "across its tasks. Give the connectors that use one key shares that add up to 1 or less (e.g. 0.5 each for one sink and "
            + "one source); see docs/cost-controls.md.";
    public static final double QUOTA_SHARE_DEFAULT = 1.0;

    public static final String QUOTA_KEY_CALLS_PER_MINUTE = "ltx.quota.key.calls.per.minute";
    private static final String QUOTA_KEY_CALLS_PER_MINUTE_DOC = "Calls per minute the API allows the key, for everything that uses it. "
            + "Change it only if your plan's limit differs from the documented one.";
    public static final int QUOTA_KEY_CALLS_PER_MINUTE_DEFAULT = ContractLimits.CALLS_PER_MINUTE;

    public static final String QUOTA_KEY_MAX_CONCURRENT = "ltx.quota.key.max.concurrent.tasks";
    private static final String QUOTA_KEY_MAX_CONCURRENT_DOC = "Tasks pending or processing the API allows the key at once. The sink "
            + "caps its running tasks at ltx.quota.share of this, split across its tasks, when ltx.sink.concurrency.events.topic is set.";
    public static final int QUOTA_KEY_MAX_CONCURRENT_DEFAULT = ContractLimits.CONCURRENT_TASKS;

    public static final String TRACKING_TOPIC = "ltx.tracking.topic";
    private static final String TRACKING_TOPIC_DOC = "The lifecycle topic (SUBMITTED, REJECTED and CALLBACK records), written by the sink "
            + "and read by the source. Create it with the same partitions for the life of the pipeline.";
    public static final String TRACKING_TOPIC_DEFAULT = "ltx.tasks";

    public static final String TRACKING_PREFIX = "ltx.tracking.";
    public static final String TRACKING_BOOTSTRAP_SERVERS = TRACKING_PREFIX + "bootstrap.servers";
    private static final String TRACKING_BOOTSTRAP_SERVERS_DOC = "Kafka cluster of the tracking topic. Any other Kafka client setting "
            + "(security.protocol, sasl.*, ssl.*, ...) can be given with the prefix ltx.tracking. and is passed to the "
            + "connector's own producer and consumer.";

    /** Keys under {@link #TRACKING_PREFIX} that are ours, not client settings. */
    private static final Set<String> TRACKING_OWN_KEYS = Set.of("topic");

    public static ConfigDef baseConfigDef() {
        int order = 0;
        ConfigDef def = new ConfigDef()
                .define(API_URL, Type.STRING, ContractLimits.DEFAULT_BASE_URL, Validators.httpUrl(false), Importance.HIGH,
                        API_URL_DOC, API_GROUP, ++order, Width.LONG, "API base URL")
                .define(API_KEY, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, Validators.nonEmptyPassword(), Importance.HIGH,
                        API_KEY_DOC, API_GROUP, ++order, Width.LONG, "API key")
                .define(MODEL, Type.STRING, ContractLimits.DEFAULT_MODEL, new ConfigDef.NonEmptyString(), Importance.LOW,
                        MODEL_DOC, API_GROUP, ++order, Width.SHORT, "Model id")
                .define(API_CONNECT_TIMEOUT_MS, Type.INT, API_CONNECT_TIMEOUT_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        API_CONNECT_TIMEOUT_MS_DOC, API_GROUP, ++order, Width.SHORT, "Connect time-out (ms)")
                .define(API_RESPONSE_TIMEOUT_MS, Type.INT, API_RESPONSE_TIMEOUT_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        API_RESPONSE_TIMEOUT_MS_DOC, API_GROUP, ++order, Width.SHORT, "Response time-out (ms)")
                .define(API_MAX_CONNECTIONS, Type.INT, API_MAX_CONNECTIONS_DEFAULT, Range.between(1, 10_000), Importance.LOW,
                        API_MAX_CONNECTIONS_DOC, API_GROUP, ++order, Width.SHORT, "Max connections")
                .define(API_RATE_LIMIT, Type.INT, API_RATE_LIMIT_DEFAULT, Range.between(1, 1_000_000), Importance.MEDIUM,
                        API_RATE_LIMIT_DOC, API_GROUP, ++order, Width.SHORT, "Calls per minute")
                .define(API_RETRY_MAX, Type.INT, API_RETRY_MAX_DEFAULT, Range.atLeast(0), Importance.MEDIUM,
                        API_RETRY_MAX_DOC, API_GROUP, ++order, Width.SHORT, "Max retries")
                .define(API_RETRY_BACKOFF_MS, Type.INT, API_RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        API_RETRY_BACKOFF_MS_DOC, API_GROUP, ++order, Width.SHORT, "Retry backoff (ms)")
                .define(API_RETRY_BACKOFF_MAX_MS, Type.INT, API_RETRY_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        API_RETRY_BACKOFF_MAX_MS_DOC, API_GROUP, ++order, Width.SHORT, "Max retry backoff (ms)")
                .define(QUOTA_SHARE, Type.DOUBLE, QUOTA_SHARE_DEFAULT, Range.between(0.001, 1.0), Importance.MEDIUM,
                        QUOTA_SHARE_DOC, API_GROUP, ++order, Width.SHORT, "Share of the key's quota")
                .define(QUOTA_KEY_CALLS_PER_MINUTE, Type.INT, QUOTA_KEY_CALLS_PER_MINUTE_DEFAULT, Range.between(1, 1_000_000), Importance.LOW,
                        QUOTA_KEY_CALLS_PER_MINUTE_DOC, API_GROUP, ++order, Width.SHORT, "Key's calls per minute")
                .define(QUOTA_KEY_MAX_CONCURRENT, Type.INT, QUOTA_KEY_MAX_CONCURRENT_DEFAULT, Range.between(1, 1_000_000), Importance.LOW,
                        QUOTA_KEY_MAX_CONCURRENT_DOC, API_GROUP, ++order, Width.SHORT, "Key's concurrent tasks");
        ApiTransportConfig.define(def);
        order = 0;
        return def
                .define(TRACKING_TOPIC, Type.STRING, TRACKING_TOPIC_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        TRACKING_TOPIC_DOC, TRACKING_GROUP, ++order, Width.MEDIUM, "Tracking topic")
                .define(TRACKING_BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Validators.nonEmptyList(), Importance.HIGH,
                        TRACKING_BOOTSTRAP_SERVERS_DOC, TRACKING_GROUP, ++order, Width.LONG, "Tracking bootstrap servers");
    }

    public LtxConfig(ConfigDef def, Map<String, ?> props) {
        super(def, props);
    }

    public URI apiUrl() {
        return URI.create(stripTrailingSlash(getString(API_URL)));
    }

    public Password apiKey() {
        return getPassword(API_KEY);
    }

    public String model() {
        return getString(MODEL);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(API_CONNECT_TIMEOUT_MS));
    }

    public Duration responseTimeout() {
        return Duration.ofMillis(getInt(API_RESPONSE_TIMEOUT_MS));
    }

    public int maxConnections() {
        return getInt(API_MAX_CONNECTIONS);
    }

    public int rateLimitPerMinute() {
        return getInt(API_RATE_LIMIT);
    }

    /** This connector's share of the key's limits, (0, 1]. */
    public double quotaShare() {
        return getDouble(QUOTA_SHARE);
    }

    /**
     * Calls per minute the whole connector may make: its own limit, or its share of the key's
     * limit if that is smaller. Tasks split this evenly.
     */
    public double connectorCallsPerMinute() {
        return Math.min(rateLimitPerMinute(), quotaShare() * getInt(QUOTA_KEY_CALLS_PER_MINUTE));
    }

    /** Tasks this whole connector may have running on the API: its share of the key's limit, at least 1. */
    public int connectorMaxConcurrentTasks() {
        return Math.max(1, (int) Math.floor(quotaShare() * getInt(QUOTA_KEY_MAX_CONCURRENT)));
    }

    /**
     * The API client's settings, with a task's share of the connector's call budget. Refuses, as
     * {@code validate} does, an API URL that would send the key in clear text: a task may be
     * started with a config that never went through {@code validate}.
     *
     * @param share fraction (0..1] of {@link #connectorCallsPerMinute()} the task's client may use
     * @throws ConnectException when the key would travel in clear text, or the transport keys contradict each other
     */
    public ApiClientSettings apiClientSettings(double share) {
        URI url = apiUrl();
        ApiTransportRules.clearTextProblem(url).ifPresent(problem -> {
            throw new ConnectException("Refusing to call the API: " + problem);
        });
        TransportSettings transport;
        try {
            transport = transport();
        } catch (ConfigException e) {
            throw new ConnectException("Invalid API transport settings: " + e.getMessage(), e);
        }
        return new ApiClientSettings(url, apiKey(), model(), connectTimeout(), responseTimeout(), maxConnections(),
                connectorCallsPerMinute() * share, new RetryPolicy(retryMax(), retryBackoff(), retryBackoffMax()), transport,
                Redaction.of(List.of(apiKey().value())).and(connectorSecrets()));
    }

    /** Secrets of this connector beyond the API key that the API may echo in its answers (see {@link Redaction}). */
    protected Redaction connectorSecrets() {
        return Redaction.NONE;
    }

    /** The configured outbound proxy of the API's calls, or empty to follow the JVM's proxy settings. */
    public Optional<ProxySettings> apiProxy() {
        return ApiTransportConfig.proxy(values());
    }

    /** The TLS settings of the API's connections. */
    public TlsSettings apiTls() {
        return ApiTransportConfig.tls(values());
    }

    /** How the API is reached: {@link #apiProxy()} and {@link #apiTls()}. */
    public TransportSettings transport() {
        return new TransportSettings(apiProxy(), apiTls());
    }

    public int retryMax() {
        return getInt(API_RETRY_MAX);
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getInt(API_RETRY_BACKOFF_MS));
    }

    public Duration retryBackoffMax() {
        return Duration.ofMillis(getInt(API_RETRY_BACKOFF_MAX_MS));
    }

    public String trackingTopic() {
        return getString(TRACKING_TOPIC);
    }

    /**
     * Kafka client settings for the connector's own producer and consumer of the tracking topic:
     * every {@code ltx.tracking.*} key but our own, with the prefix removed. Values given through
     * config providers arrive resolved.
     */
    public Map<String, Object> trackingClientProps() {
        Map<String, Object> props = new HashMap<>();
        originalsWithPrefix(TRACKING_PREFIX).forEach((k, v) -> {
            if (!TRACKING_OWN_KEYS.contains(k)) {
                props.put(k, v);
            }
        });
        props.put("bootstrap.servers", String.join(",", getList(TRACKING_BOOTSTRAP_SERVERS)));
        return props;
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
