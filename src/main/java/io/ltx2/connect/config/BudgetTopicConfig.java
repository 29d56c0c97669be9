package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The spend checkpoints of the sink's caps, in its group "Cost controls" (after the keys of
 * {@link LtxSinkConfig}): the compacted topic they are written to, its replication, and how often.
 */
public final class BudgetTopicConfig {

    public static final String TOPIC = "ltx.sink.budget.topic";
    private static final String TOPIC_DOC = "Spend caps only: the compacted topic where each sink task writes a small checkpoint of its "
            + "spend (seconds of video by minute over the caps' window) every ltx.sink.budget.checkpoint.interval.ms and when it stops, "
            + "keyed by <connector>:<task index>. At start a task reads the whole topic (one record per task index) and then only the "
            + "tracking records written since its own checkpoint, instead of a day of the tracking topic. Empty: <ltx.tracking.topic>.budget. "
            + "Created by the task (cleanup.policy=compact, 1 partition) when missing; on the tracking topic's cluster.";

    public static final String REPLICATION_FACTOR = "ltx.sink.budget.topic.replication.factor";
    private static final String REPLICATION_FACTOR_DOC = "Replication factor of the spend checkpoint topic when the task creates it; "
            + "-1 for the broker's default (default.replication.factor).";
    public static final short REPLICATION_FACTOR_DEFAULT = -1;

    public static final String CHECKPOINT_INTERVAL_MS = "ltx.sink.budget.checkpoint.interval.ms";
    private static final String CHECKPOINT_INTERVAL_MS_DOC = "How often a sink task with spend caps writes its spend checkpoint (also "
            + "when it starts and when it stops). A start reads the tracking records written since the last checkpoint, plus a margin "
            + "of 5 minutes for clocks.";
    public static final long CHECKPOINT_INTERVAL_MS_DEFAULT = 30_000L;

    private BudgetTopicConfig() {
    }

    /** -1 (the broker's default) or a replication factor of at least 1. */
    private static final class ReplicationFactor implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && (Short) value != -1 && (Short) value < 1) {
                throw new ConfigException(name, value, "must be -1 (the broker's default) or at least 1");
            }
        }

        @Override
        public String toString() {
            return "-1, or [1,...]";
        }
    }

    /** Defines the keys into {@code def} in group {@code group}, from position {@code order} + 1. */
    static ConfigDef define(ConfigDef def, String group, int order) {
        int o = order;
        return def
                .define(TOPIC, Type.STRING, "", null, Importance.LOW, TOPIC_DOC, group, ++o, Width.MEDIUM, "Spend checkpoint topic")
                .define(REPLICATION_FACTOR, Type.SHORT, REPLICATION_FACTOR_DEFAULT, new ReplicationFactor(), Importance.LOW, REPLICATION_FACTOR_DOC,
                        group, ++o, Width.SHORT, "Spend checkpoint topic replication")
                .define(CHECKPOINT_INTERVAL_MS, Type.LONG, CHECKPOINT_INTERVAL_MS_DEFAULT, Range.between(1_000, 3_600_000), Importance.LOW,
                        CHECKPOINT_INTERVAL_MS_DOC, group, ++o, Width.SHORT, "Spend checkpoint interval (ms)");
    }
}
