package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The callback receiver's bounds, in the source connector's group "Callback receiver" (after the keys
 * of {@link LtxSourceConfig}): connections, worker threads and the request timeout. The receiver is one
 * per worker JVM and address: the first source task to start it sets its bounds.
 */
public final class CallbackConfig {

    public static final String MAX_CONNECTIONS = "ltx.callback.max.connections";
    private static final String MAX_CONNECTIONS_DOC = "Most connections the receiver keeps open at once; one more is answered 503 and "
            + "closed as it is accepted, before any of it is read. The receiver is one per worker JVM and listener address: the first "
            + "source task to start it sets this and the other bounds (ltx.callback.threads, ltx.callback.idle.timeout.ms).";
    public static final int MAX_CONNECTIONS_DEFAULT = 256;

    public static final String THREADS = "ltx.callback.threads";
    private static final String THREADS_DOC = "Worker threads that authenticate callbacks and write them to the tracking topic; up to "
            + "ltx.callback.max.connections callbacks wait for one, more are answered 503 (the API retries). The receiver adds 1 or 2 "
            + "I/O threads, a listener and a timer thread, however many connections are open.";
    public static final int THREADS_DEFAULT = 8;

    public static final String IDLE_TIMEOUT_MS = "ltx.callback.idle.timeout.ms";
    private static final String IDLE_TIMEOUT_MS_DOC = "Time a connection has to deliver a whole request (head and body) after it opened "
            + "or after its previous answer; a connection that is idle, or trickles its request (slowloris), is closed when it is up. "
            + "Also the socket timeout, and the longest a callback waits for a worker thread before it is answered 503.";
    public static final long IDLE_TIMEOUT_MS_DEFAULT = 10_000L;

    private CallbackConfig() {
    }

    /** Defines the keys into {@code def} in group {@code group}, from position {@code order} + 1. */
    static ConfigDef define(ConfigDef def, String group, int order) {
        int o = order;
        return def
                .define(MAX_CONNECTIONS, Type.INT, MAX_CONNECTIONS_DEFAULT, Range.between(1, 100_000), Importance.LOW,
                        MAX_CONNECTIONS_DOC, group, ++o, Width.SHORT, "Max connections")
                .define(THREADS, Type.INT, THREADS_DEFAULT, Range.between(1, 256), Importance.LOW,
                        THREADS_DOC, group, ++o, Width.SHORT, "Worker threads")
                .define(IDLE_TIMEOUT_MS, Type.LONG, IDLE_TIMEOUT_MS_DEFAULT, Range.between(100, 600_000), Importance.LOW,
                        IDLE_TIMEOUT_MS_DOC, group, ++o, Width.SHORT, "Request timeout (ms)");
    }
}
