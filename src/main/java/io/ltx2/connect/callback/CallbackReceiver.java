package io.ltx2.connect.callback;

import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The webhook receiver: {@code POST /callback/<token>} (or {@code /callback?token=<token>}), each
 * optionally with {@code rid=<request identity>}, which the sink adds to every callback URL. It
 * authenticates (token, then the HMAC signature when one is configured), bounds the body, checks
 * it is JSON with a task id, writes a CALLBACK tracking record (keyed by the request identity, so
 * it lands on the partition of the request's other records; by the task id without one) and
 * answers 200 once the record is durable. It never trusts the body's outcome: the owning source task
 * confirms it with a status call. One receiver serves several routes (connectors), each with its own
 * token and writer.
 *
 * <p>Answers: 401 missing token or signature, 403 wrong token or signature, 404 other paths,
 * 405 other methods, 413 body too large, 400 not JSON, no task id or a bad rid, 503 when the tracking
 * topic cannot be written or the receiver is saturated (the API then retries).
 *
 * <p>Bounded whatever the callers do ({@link Limits}): a non-blocking HTTP/1.1 server (HttpCore 5
 * async) with a fixed number of I/O threads, at most {@code maxConnections} connections
 * ({@link ConnectionGuard}: over it the stalest is closed, or the new one answered 503), a request deadline per
 * connection, refusals decided on the request head before any body is read
 * ({@link CallbackExchange}), and a fixed pool of {@code threads} workers for the tracking writes.
 */
public final class CallbackReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackReceiver.class);
    private static final long BIND_RETRY_SECONDS = 5;
    /** Bytes of a request body read before the handler asks for more (a refused request gets no more). */
    private static final int INITIAL_WINDOW = 8 * 1024;

    /** One connector's view of the receiver. */
    public record Route(String token, String hmacSecret, String hmacHeader, int maxBodyBytes, CallbackWriter writer) {
        @Override
        public String toString() {
            return "Route[token=<hidden>, hmac=" + (hmacSecret != null) + ", maxBodyBytes=" + maxBodyBytes + "]";
        }
    }

    /**
     * The receiver's bounds: open connections, worker threads (tracking writes; the server adds
     * {@link #ioThreads()} I/O threads, a listener and a timer thread), and the time a connection has to
     * deliver a whole request (also its socket timeout).
     */
    public record Limits(int maxConnections, int threads, Duration idleTimeout) {
        public static final Limits DEFAULT = new Limits(256, 8, Duration.ofSeconds(10));

        public Limits {
            if (maxConnections < 1 || threads < 1 || idleTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("callback receiver limits must be positive: " + maxConnections + ", " + threads
                        + ", " + idleTimeout);
            }
        }

        /** I/O threads: one per core, at most 2 (a callback is a few kilobytes; the workers do the waiting). */
        public int ioThreads() {
            return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        }
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Limits limits;
    private final ConnectionGuard guard;
    private final ThreadPoolExecutor workers;
    private final CallbackExchange.Context exchange;
    private final HttpAsyncServer server;
    private final int port;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    public CallbackReceiver(String host, int port) throws IOException {
        this(host, port, Limits.DEFAULT);
    }

    public CallbackReceiver(String host, int port, Limits limits) throws IOException {
        this(host, port, limits, System::currentTimeMillis);
    }

    CallbackReceiver(String host, int port, Limits limits, LongSupplier clock) throws IOException {
        this.limits = limits;
        this.guard = new ConnectionGuard(limits.maxConnections(), limits.idleTimeout());
        this.workers = workerPool(limits);
        this.exchange = new CallbackExchange.Context(new CallbackRequests(routes, clock), workers, guard, this::count,
                limits.idleTimeout().toNanos());
        HttpAsyncServer started = null;
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
            started = bind(address);
            this.server = started;
            this.port = ((InetSocketAddress) started.getEndpoints().iterator().next().getAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            guard.close();
            workers.shutdownNow();
            throw e;
        }
    }

    private static ThreadPoolExecutor workerPool(Limits limits) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxConnections()), r -> {
                    Thread t = new Thread(r, "ltx-callback-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Starts the server; a port still held by a receiver just closed in this JVM (a task restarted in
     * place) is retried for a few seconds.
     */
    private HttpAsyncServer bind(InetSocketAddress address) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BIND_RETRY_SECONDS);
        while (true) {
            HttpAsyncServer s = create();
            s.start();
            try {
                ListenerEndpoint endpoint = s.listen(address, URIScheme.HTTP).get();
                log.debug("Callback receiver bound to {}", endpoint.getAddress());
                return s;
            } catch (ExecutionException e) {
                s.close(CloseMode.IMMEDIATE);
                if (!(e.getCause() instanceof BindException bind)) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
                if (System.nanoTime() > deadline) {
                    throw bind;
                }
                pause(bind);
            } catch (InterruptedException e) {
                s.close(CloseMode.IMMEDIATE);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while binding " + address);
            }
        }
    }

    private static void pause(BindException e) throws BindException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private HttpAsyncServer create() {
        Timeout idle = Timeout.ofMilliseconds(limits.idleTimeout().toMillis());
        return AsyncServerBootstrap.bootstrap()
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(limits.ioThreads()).setSoTimeout(idle)
                        .setSoReuseAddress(true).setTcpNoDelay(true).setBacklogSize(Math.min(limits.maxConnections(), 1024)).build())
                .setHttp1Config(Http1Config.custom().setInitialWindowSize(INITIAL_WINDOW).setMaxLineLength(8 * 1024)
                        .setMaxHeaderCount(100).build())
                .setIOSessionListener(guard)
                // Any Host header: the receiver usually sits behind a proxy with a public name.
                .setRequestRouter((request, context) -> () -> new CallbackExchange(exchange))
                .create();
    }

    private void count(CallbackRequests.Answer answer) {
        if (answer.ok()) {
            accepted.incrementAndGet();
        } else {
            refused.incrementAndGet();
            log.debug("Callback refused with {}: {}", answer.status(), answer.message());
        }
    }

    /** Callbacks accepted and refused since the start, and connections refused or cut, for the stop log. */
    public String counts() {
        return accepted.get() + " accepted, " + refused.get() + " refused; connections over " + limits.maxConnections() + ": "
                + guard.evicted() + " idle ones closed for them, " + guard.refused() + " refused; " + guard.timedOut() + " cut by the "
                + limits.idleTimeout().toMillis() + " ms request timeout";
    }

    /** Connections open now. */
    public int openConnections() {
        return guard.open();
    }

    public Limits limits() {
        return limits;
    }

    public int port() {
        return port;
    }

    public void addRoute(Route route) {
        routes.add(route);
    }

    /** Removes a route; returns true when none is left. */
    public boolean removeRoute(Route route) {
        routes.remove(route);
        return routes.isEmpty();
    }

    @Override
    public void close() {
        // Immediate: the API keeps connections alive, and a graceful close would wait for them.
        server.close(CloseMode.IMMEDIATE);
        try {
            server.awaitShutdown(TimeValue.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        guard.close();
    }
}
