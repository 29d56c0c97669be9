package io.ltx2.connect.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import java.time.Duration;
import java.util.Optional;

/**
 * What the sink does while the API cannot take work (an empty balance, an outage longer than the
 * retries, fail codes that say the account or the model is not available), in its group "Sink
 * connector" after the keys of {@link LtxSinkConfig}: how often it tries again, and whether it ever
 * gives up (it never rejects such requests).
 */
public final class AvailabilityConfig {

    public static final String RETRY_BACKOFF_MS = "ltx.sink.unavailable.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "While the API cannot take work (HTTP 402, an outage that outlasted "
            + "ltx.api.retry.max, fail codes of ltx.task.unavailable.fail.codes reported by the source), the sink keeps every request, "
            + "pauses its input and sends one create at a time to find out whether the API takes work again: first this long after the "
            + "API became unavailable, then twice as long each time, up to ltx.sink.unavailable.retry.backoff.max.ms. The first create "
            + "the API accepts resumes everything.";
    public static final long RETRY_BACKOFF_MS_DEFAULT = 5_000L;

    public static final String RETRY_BACKOFF_MAX_MS = "ltx.sink.unavailable.retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Cap on the wait between two tries while the API cannot take work: how "
            + "long after a top-up (or the end of an outage) the sink may take to notice.";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 60_000L;

    public static final String MAX_MS = "ltx.sink.unavailable.max.ms";
    private static final String MAX_MS_DOC = "How long the API may stay unable to take work before the sink task fails with a message "
            + "saying why (its requests are never rejected for it, and their input offsets are not committed, so a restarted task takes "
            + "them up again); 0 waits for good.";
    public static final long MAX_MS_DEFAULT = 0L;

    private AvailabilityConfig() {
    }

    /** Defines the keys into {@code def} in group {@code group}, from position {@code order} + 1; returns the last position used. */
    static int define(ConfigDef def, String group, int order) {
        int o = order;
        def.define(RETRY_BACKOFF_MS, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.between(100, 3_600_000), Importance.LOW, RETRY_BACKOFF_MS_DOC,
                        group, ++o, Width.SHORT, "Unavailable: first try again (ms)")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT, Range.between(100, 3_600_000), Importance.LOW,
                        RETRY_BACKOFF_MAX_MS_DOC, group, ++o, Width.SHORT, "Unavailable: longest wait (ms)")
                .define(MAX_MS, Type.LONG, MAX_MS_DEFAULT, Range.atLeast(0), Importance.MEDIUM, MAX_MS_DOC, group, ++o, Width.SHORT,
                        "Unavailable: fail the task after (ms)");
        return o;
    }

    /** The settings of a parsed sink config. */
    public record Settings(Duration backoff, Duration maxBackoff, Optional<Duration> maxUnavailable) {
        static Settings of(AbstractConfig config) {
            long max = config.getLong(MAX_MS);
            return new Settings(Duration.ofMillis(config.getLong(RETRY_BACKOFF_MS)), Duration.ofMillis(config.getLong(RETRY_BACKOFF_MAX_MS)),
                    max == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(max)));
        }
    }
}
