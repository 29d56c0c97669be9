package io.ltx2.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;

/**
 * The source connector's group "Callback receiver": whether a task hosts the webhook receiver, where it
 * listens, how callbacks are authenticated and confirmed, and its bounds (connections, worker threads,
 * request timeout). The receiver is one per worker JVM and address: the first source task to start it
 * sets its bounds.
 */
public final class CallbackConfig {

    public static final String ENABLED = "ltx.callback.enabled";
    private static final String ENABLED_DOC = "Host the webhook receiver in this worker (one per worker JVM and port, shared by the "
            + "tasks in it). Give the sink ltx.callback.url = https://<public host>/callback/<ltx.callback.token>; the receiver writes "
            + "a CALLBACK record to the tracking topic, and polling becomes a slow safety net.";

    public static final String HOST = "ltx.callback.listener.host";
    private static final String HOST_DOC = "Address the receiver binds to. Put a TLS-terminating proxy in front of it: the API "
            + "only calls public HTTPS endpoints.";
    public static final String HOST_DEFAULT = "127.0.0.1";

    public static final String PORT = "ltx.callback.listener.port";
    private static final String PORT_DOC = "Port the receiver listens on (0 = any free port, for tests).";
    public static final int PORT_DEFAULT = 8099;

    public static final String TOKEN = "ltx.callback.token";
    private static final String TOKEN_DOC = "Secret the callback URL carries, as its last path segment (/callback/<token>) or "
            + "as ?token=<token>; at least 16 characters. Required when ltx.callback.enabled is true.";

    public static final String HMAC_SECRET = "ltx.callback.hmac.secret";
    private static final String HMAC_SECRET_DOC = "Optional: when set, a callback must also carry an HMAC-SHA256 of its body with "
            + "this secret, hex or base64, in the header named by ltx.callback.hmac.header (for a proxy that signs).";

    public static final String HMAC_HEADER = "ltx.callback.hmac.header";
    private static final String HMAC_HEADER_DOC = "Header carrying the HMAC-SHA256 signature (an optional 'sha256=' prefix is accepted).";
    public static final String HMAC_HEADER_DEFAULT = "X-Signature-256";

    public static final String CONFIRM = "ltx.callback.confirm";
    private static final String CONFIRM_DOC = "Confirm each callback with one status call before emitting (the vendor signs nothing). "
            + "false emits from the callback body alone.";

    public static final String MAX_BODY_BYTES = "ltx.callback.max.body.bytes";
    private static final String MAX_BODY_BYTES_DOC = "Largest callback body accepted; larger ones get HTTP 413.";
    public static final int MAX_BODY_BYTES_DEFAULT = 64 * 1024;

    public static final String SAFETY_POLL_MS = "ltx.callback.safety.poll.interval.ms";
    private static final String SAFETY_POLL_MS_DOC = "Callback mode: interval of the safety-net status calls that resolve a task "
            + "whose callback was lost (the first one this long after submission).";
    public static final long SAFETY_POLL_MS_DEFAULT = 300_000L;

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

    /** Defines the receiver's keys into {@code def}, in group {@code group}. */
    static ConfigDef define(ConfigDef def, String group) {
        int o = 0;
        return def
                .define(ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                        ENABLED_DOC, group, ++o, Width.SHORT, "Callback receiver")
                .define(HOST, Type.STRING, HOST_DEFAULT, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        HOST_DOC, group, ++o, Width.MEDIUM, "Listener host")
                .define(PORT, Type.INT, PORT_DEFAULT, Range.between(0, 65535), Importance.MEDIUM,
                        PORT_DOC, group, ++o, Width.SHORT, "Listener port")
                .define(TOKEN, Type.PASSWORD, null, Importance.HIGH,
                        TOKEN_DOC, group, ++o, Width.LONG, "Callback token")
                .define(HMAC_SECRET, Type.PASSWORD, null, Importance.LOW,
                        HMAC_SECRET_DOC, group, ++o, Width.LONG, "HMAC secret")
                .define(HMAC_HEADER, Type.STRING, HMAC_HEADER_DEFAULT, new ConfigDef.NonEmptyString(), Importance.LOW,
                        HMAC_HEADER_DOC, group, ++o, Width.MEDIUM, "HMAC header")
                .define(CONFIRM, Type.BOOLEAN, true, Importance.LOW,
                        CONFIRM_DOC, group, ++o, Width.SHORT, "Confirm callbacks")
                .define(MAX_BODY_BYTES, Type.INT, MAX_BODY_BYTES_DEFAULT, Range.between(256, 16 * 1024 * 1024), Importance.LOW,
                        MAX_BODY_BYTES_DOC, group, ++o, Width.SHORT, "Max body (bytes)")
                .define(SAFETY_POLL_MS, Type.LONG, SAFETY_POLL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                        SAFETY_POLL_MS_DOC, group, ++o, Width.SHORT, "Safety-net poll interval (ms)")
                .define(MAX_CONNECTIONS, Type.INT, MAX_CONNECTIONS_DEFAULT, Range.between(1, 100_000), Importance.LOW,
                        MAX_CONNECTIONS_DOC, group, ++o, Width.SHORT, "Max connections")
                .define(THREADS, Type.INT, THREADS_DEFAULT, Range.between(1, 256), Importance.LOW,
                        THREADS_DOC, group, ++o, Width.SHORT, "Worker threads")
                .define(IDLE_TIMEOUT_MS, Type.LONG, IDLE_TIMEOUT_MS_DEFAULT, Range.between(100, 600_000), Importance.LOW,
                        IDLE_TIMEOUT_MS_DOC, group, ++o, Width.SHORT, "Request timeout (ms)");
    }

    /** With the receiver on, its token must be there, long enough and fit in a URL path. */
    static void validateCrossField(Map<String, String> props, Map<String, ConfigValue> results) {
        boolean callback = Boolean.parseBoolean(String.valueOf(props.getOrDefault(ENABLED, "false")).trim());
        ConfigValue token = results.get(TOKEN);
        if (callback && token != null && token.errorMessages().isEmpty()) {
            String problem = tokenProblem(token.value() instanceof Password p ? p.value() : null);
            if (problem != null) {
                token.addErrorMessage(problem);
            }
        }
    }

    /** What is wrong with a callback token, or null; the token itself never appears in the message. */
    private static String tokenProblem(String token) {
        if (token == null || token.isBlank()) {
            return TOKEN + " is required when " + ENABLED + " is true";
        } else if (token.length() < 16) {
            return TOKEN + " must have at least 16 characters";
        } else if (!token.matches("[A-Za-z0-9._~-]+")) {
            return TOKEN + " may only use URL-safe characters (letters, digits, . _ ~ -)";
        }
        return null;
    }
}
