package io.ltx2.connect.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which task fail codes the source has the request tried again for, in its group "Events" after the
 * keys of {@link LtxSourceConfig}: a few fail codes say "later" or "the account cannot pay now",
 * not "this request is wrong" (docs/source-connector.md has the table of every code the vendor lists).
 */
public final class RetryConfig {

    public static final String MAX = "ltx.task.retry.max";
    private static final String MAX_DOC = "How many times a request whose task failed with a code of ltx.task.retry.fail.codes is "
            + "created again (by the sink connector, as a new attempt its event names: the failed task may be billed) before its event "
            + "says failed with that code; 0 never retries. Codes of ltx.task.unavailable.fail.codes do not count.";
    public static final int MAX_DEFAULT = 2;

    public static final String FAIL_CODES = "ltx.task.retry.fail.codes";
    private static final String FAIL_CODES_DOC = "Task fail codes that say a new attempt may well succeed (the vendor: 'retry the "
            + "request'). Every other code ends the request as failed at once.";
    public static final List<String> FAIL_CODES_DEFAULT = List.of("PROCESSING_TIMEOUT", "IMAGE_DOWNLOAD_FAILED");

    public static final String UNAVAILABLE_FAIL_CODES = "ltx.task.unavailable.fail.codes";
    private static final String UNAVAILABLE_FAIL_CODES_DOC = "Task fail codes that say the API cannot do the work now (the account "
            + "has no credits, the model is offline): the request is created again, without limit and without counting against "
            + "ltx.task.retry.max, and the sink connector pauses its input as for an empty balance (ltx.sink.unavailable.*), so a "
            + "backlog is not turned into failed tasks.";
    public static final List<String> UNAVAILABLE_FAIL_CODES_DEFAULT = List.of("INSUFFICIENT_CREDITS", "MODEL_UNAVAILABLE");

    public static final String RESEND_MS = "ltx.task.retry.resend.ms";
    private static final String RESEND_MS_DOC = "The source asks for a new attempt with a RETRY tracking record; when no SUBMITTED or "
            + "REJECTED record of a newer attempt follows this long after it (the sink task owning the request's input partition was "
            + "restarting, say), it asks again. A request asked for more than ltx.task.timeout.ms (fail codes of ltx.task.retry.fail.codes "
            + "only) gets its failed event.";
    public static final long RESEND_MS_DEFAULT = 120_000L;

    private RetryConfig() {
    }

    /** Defines the keys into {@code def} in group {@code group}, from position {@code order} + 1; returns the last position used. */
    static int define(ConfigDef def, String group, int order) {
        int o = order;
        def.define(MAX, Type.INT, MAX_DEFAULT, Range.between(0, 100), Importance.MEDIUM, MAX_DOC, group, ++o, Width.SHORT, "Retries of a failed task")
                .define(FAIL_CODES, Type.LIST, FAIL_CODES_DEFAULT, null, Importance.MEDIUM, FAIL_CODES_DOC, group, ++o, Width.LONG,
                        "Fail codes worth a retry")
                .define(UNAVAILABLE_FAIL_CODES, Type.LIST, UNAVAILABLE_FAIL_CODES_DEFAULT, null, Importance.MEDIUM, UNAVAILABLE_FAIL_CODES_DOC,
                        group, ++o, Width.LONG, "Fail codes of an unavailable API")
                .define(RESEND_MS, Type.LONG, RESEND_MS_DEFAULT, Range.atLeast(1_000), Importance.LOW, RESEND_MS_DOC, group, ++o, Width.SHORT,
                        "Ask again for a retry after (ms)");
        return o;
    }

    /** The settings of a parsed source config. */
    public record Settings(int max, Set<String> failCodes, Set<String> unavailableFailCodes, Duration resend) {
        public static final Settings NONE = new Settings(0, Set.of(), Set.of(), Duration.ofMinutes(2));

        static Settings of(AbstractConfig config) {
            return new Settings(config.getInt(MAX), Set.copyOf(config.getList(FAIL_CODES)), Set.copyOf(config.getList(UNAVAILABLE_FAIL_CODES)),
                    Duration.ofMillis(config.getLong(RESEND_MS)));
        }

        /** Whether any fail code is ever retried: the source then writes RETRY records. */
        public boolean enabled() {
            return max > 0 && !failCodes.isEmpty() || !unavailableFailCodes.isEmpty();
        }
    }
}
