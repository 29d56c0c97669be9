package io.ltx2.connect.callback;

import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiver's connection bounds, as the I/O reactor's session listener:
 * <ul>
 *   <li>at most {@code maxConnections} open at once. At the cap a new connection takes the place of
 *       the one that has waited longest for its request (closed at once), so connections that hold
 *       a slot without delivering a request cannot lock out a callback; when every open connection
 *       is having its callback answered, the new one is answered 503 and closed as it is accepted,
 *       before anything of it is read;</li>
 *   <li>a request deadline: a connection must deliver a whole request (head and body) within
 *       {@code requestTimeout} of being opened or of its previous answer, or it is closed. This cuts
 *       slowloris-style connections that trickle a byte now and then (which a socket timeout alone,
 *       reset by every byte, would keep), and idle keep-alive connections. While a callback is being
 *       written to the tracking topic its connection has no deadline (the write has its own);</li>
 *   <li>a refusal answered before its body arrived closes the connection shortly after the answer,
 *       so the rest of the body is never read.</li>
 * </ul>
 * Connections are known by their remote address, which the exchange handler also sees.
 */
final class ConnectionGuard implements IOSessionListener, AutoCloseable {
    private static final long SWEEP_MS = 100;
    /** Time a refused request's answer has to reach the client before its connection is closed. */
    private static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final String BUSY_BODY = "{\"code\":503,\"message\":\"too many connections\"}";
    private static final ByteBuffer BUSY = ByteBuffer.wrap(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + BUSY_BODY.length() + "\r\nConnection: close\r\n\r\n" + BUSY_BODY)
            .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private static final class Conn {
        final IOSession session;
        volatile long deadlineNanos;
        volatile boolean busy;
        volatile boolean closing;
        volatile boolean swept;

        Conn(IOSession session, long deadlineNanos) {
            this.session = session;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final int maxConnections;
    private final long timeoutNanos;
    private final Map<SocketAddress, Conn> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final ScheduledExecutorService timer;

    ConnectionGuard(int maxConnections, Duration requestTimeout) {
        this.maxConnections = maxConnections;
        this.timeoutNanos = requestTimeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ltx-callback-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void connected(IOSession session) {
        if (count.get() >= maxConnections && !evictStalest()) {
            refused.incrementAndGet();
            try {
                session.write(BUSY.duplicate()); // a fresh socket's buffer takes these few bytes at once
            } catch (IOException e) {
                // closing anyway
            }
            session.close(CloseMode.GRACEFUL);
            return;
        }
        count.incrementAndGet();
        open.put(session.getRemoteAddress(), new Conn(session, System.nanoTime() + timeoutNanos));
    }

    /** Closes the open connection with the earliest deadline that is not being answered; false when there is none. */
    private boolean evictStalest() {
        Map.Entry<SocketAddress, Conn> stalest = null;
        for (Map.Entry<SocketAddress, Conn> e : open.entrySet()) {
            Conn c = e.getValue();
            if (!c.busy && (stalest == null || c.deadlineNanos - stalest.getValue().deadlineNanos < 0)) {
                stalest = e;
            }
        }
        if (stalest == null || !open.remove(stalest.getKey(), stalest.getValue())) {
            return false;
        }
        count.decrementAndGet();
        evicted.incrementAndGet();
        stalest.getValue().session.close(CloseMode.IMMEDIATE);
        return true;
    }

    @Override
    public void disconnected(IOSession session) {
        SocketAddress address = session.getRemoteAddress();
        Conn c = address == null ? null : open.get(address);
        if (c != null && c.session == session && open.remove(address, c)) {
            count.decrementAndGet();
        }
    }

    /** A whole request arrived on this connection and is being handled: no deadline until it is answered. */
    void busy(SocketAddress remote) {
        Conn c = open.get(remote);
        if (c != null) {
            c.busy = true;
        }
    }

    /**
     * A request on this connection was answered. The next one has {@code requestTimeout}; when the
     * answer came before the request's body ended, the connection is closed after a short grace.
     */
    void answered(SocketAddress remote, boolean bodyPending) {
        Conn c = open.get(remote);
        if (c != null) {
            c.closing |= bodyPending;
            c.deadlineNanos = System.nanoTime() + (bodyPending ? CLOSE_GRACE_NANOS : timeoutNanos);
            c.busy = false;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Conn c : open.values()) {
            if (!c.busy && !c.swept && now - c.deadlineNanos > 0) {
                c.swept = true;
                if (!c.closing) {
                    timedOut.incrementAndGet();
                }
                c.session.close(c.closing ? CloseMode.GRACEFUL : CloseMode.IMMEDIATE);
            }
        }
    }

    /** Connections open now. */
    int open() {
        return count.get();
    }

    /** Connections refused because {@code maxConnections} were open. */
    long refused() {
        return refused.get();
    }

    /** Connections closed at the cap to make room for a new one. */
    long evicted() {
        return evicted.get();
    }

    /** Connections closed because they did not deliver a request in time. */
    long timedOut() {
        return timedOut.get();
    }

    @Override
    public void startTls(IOSession session) {
    }

    @Override
    public void inputReady(IOSession session) {
    }

    @Override
    public void outputReady(IOSession session) {
    }

    @Override
    public void timeout(IOSession session) {
    }

    @Override
    public void exception(IOSession session, Exception ex) {
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
