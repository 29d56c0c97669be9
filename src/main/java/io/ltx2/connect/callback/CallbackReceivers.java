package io.ltx2.connect.callback;

import io.ltx2.connect.config.CallbackConfig;
import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one receiver per worker JVM and listener address, shared by every source task in the JVM
 * that asks for it. Tasks {@link #acquire} a lease; tasks of one connector (same token) share a
 * route and its producer; the server stops when the last lease closes.
 */
public final class CallbackReceivers {
    private static final Logger log = LoggerFactory.getLogger(CallbackReceivers.class);
    private static final Map<String, Shared> RECEIVERS = new HashMap<>();

    private CallbackReceivers() {
    }

    /** What a task needs to share a receiver. */
    public record Settings(String host, int port, Password token, Password hmacSecret, String hmacHeader, int maxBodyBytes,
                           String trackingTopic, Map<String, Object> trackingClientProps, CallbackReceiver.Limits limits) {
        public Settings {
            Objects.requireNonNull(token, "callback token");
            Objects.requireNonNull(limits, "limits");
        }

        /** With the default {@link CallbackReceiver.Limits}. */
        public Settings(String host, int port, Password token, Password hmacSecret, String hmacHeader, int maxBodyBytes,
                        String trackingTopic, Map<String, Object> trackingClientProps) {
            this(host, port, token, hmacSecret, hmacHeader, maxBodyBytes, trackingTopic, trackingClientProps, CallbackReceiver.Limits.DEFAULT);
        }

        public static Settings from(LtxSourceConfig config) {
            Password token = config.callbackToken().orElseThrow(() ->
                    new ConnectException(CallbackConfig.TOKEN + " is required when " + CallbackConfig.ENABLED + " is true"));
            return new Settings(config.callbackHost(), config.callbackPort(), token, config.callbackHmacSecret().orElse(null),
                    config.callbackHmacHeader(), config.callbackMaxBodyBytes(), config.trackingTopic(), config.trackingClientProps(),
                    new CallbackReceiver.Limits(config.callbackMaxConnections(), config.callbackThreads(), config.callbackIdleTimeout()));
        }

        String address() {
            return host + ":" + port;
        }

        @Override
        public String toString() {
            return "Settings[" + address() + ", topic=" + trackingTopic + "]";
        }
    }

    /** A task's hold on the receiver; close it when the task stops. */
    public interface Lease extends AutoCloseable {
        /** host:port the receiver listens on (the real port when 0 was asked for). */
        String address();

        @Override
        void close();
    }

    private static final class Shared {
        final CallbackReceiver receiver;
        final String host;
        final Map<String, RouteRef> routes = new HashMap<>();

        Shared(CallbackReceiver receiver, String host) {
            this.receiver = receiver;
            this.host = host;
        }
    }

    private static final class RouteRef {
        final CallbackReceiver.Route route;
        int refs;

        RouteRef(CallbackReceiver.Route route) {
            this.route = route;
        }
    }

    public static Lease acquire(Settings settings) {
        return acquire(settings, () -> CallbackWriter.of(TrackingWriter.create(settings.trackingTopic(), settings.trackingClientProps(),
                "ltx-callback-receiver-" + settings.port())));
    }

    static synchronized Lease acquire(Settings settings, Supplier<CallbackWriter> writerFactory) {
        String key = settings.address();
        Shared shared = RECEIVERS.get(key);
        if (shared == null) {
            try {
                shared = new Shared(new CallbackReceiver(settings.host(), settings.port(), settings.limits()), settings.host());
            } catch (IOException e) {
                throw new ConnectException("Cannot start the callback receiver on " + key + ": " + e.getMessage(), e);
            }
            RECEIVERS.put(key, shared);
            CallbackReceiver.Limits l = settings.limits();
            log.info("Callback receiver listening on {}:{} (at most {} connections, {} worker and {} I/O threads, {} ms request timeout)",
                    settings.host(), shared.receiver.port(), l.maxConnections(), l.threads(), l.ioThreads(), l.idleTimeout().toMillis());
        } else if (!shared.receiver.limits().equals(settings.limits())) {
            log.warn("The callback receiver on {} keeps the bounds it was started with, {}, not {}: the first source task to start it "
                    + "sets them", key, shared.receiver.limits(), settings.limits());
        }
        String routeKey = settings.token().value() + '\u0000' + settings.trackingTopic();
        RouteRef ref = shared.routes.get(routeKey);
        if (ref == null) {
            CallbackWriter writer = writerFactory.get();
            ref = new RouteRef(new CallbackReceiver.Route(settings.token().value(),
                    settings.hmacSecret() == null ? null : settings.hmacSecret().value(), settings.hmacHeader(),
                    settings.maxBodyBytes(), writer));
            shared.routes.put(routeKey, ref);
            shared.receiver.addRoute(ref.route);
        }
        ref.refs++;
        Shared s = shared;
        RouteRef r = ref;
        return new Lease() {
            private boolean closed;

            @Override
            public String address() {
                return s.host + ":" + s.receiver.port();
            }

            @Override
            public void close() {
                synchronized (CallbackReceivers.class) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (--r.refs > 0) {
                        return;
                    }
                    s.routes.remove(routeKey);
                    boolean empty = s.receiver.removeRoute(r.route);
                    r.route.writer().close();
                    if (empty) {
                        RECEIVERS.remove(key);
                        s.receiver.close();
                        log.info("Callback receiver on {} stopped ({})", address(), s.receiver.counts());
                    }
                }
            }
        };
    }

    /** Receivers running in this JVM, for tests. */
    static synchronized int running() {
        return RECEIVERS.size();
    }
}
