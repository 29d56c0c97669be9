package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement behind the receiver's figures in docs/source-connector.md: thousands of idle and
 * slow connections (opened from this JVM over loopback; as many as the file-descriptor limit allows,
 * up to 5,000) leave the receiver answering valid callbacks, with its thread count fixed. Prints one
 * {@code FLOOD} line per scenario.
 */
class CallbackReceiverFloodTest {
    private static final String TOKEN = "tok-0123456789abcdef";
    private static final String BODY = "{\"data\":{\"taskId\":\"t-1\",\"state\":\"success\"}}";
    private static final int WANTED = 5_000;
    private static final int PROBES = 20;

    private final CallbackWriter writer = new CallbackWriter() {
        @Override
        public Future<?> write(TrackingRecord record) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    };

    @Test
    void withTheDefaultCapFloodConnectionsMakeRoomForCallbacks() throws Exception {
        Result r = flood(CallbackReceiver.Limits.DEFAULT);
        assertThat(r.openOnServer).as("connections held by the receiver").isLessThanOrEqualTo(256);
        assertThat(r.probeStatuses).as("every valid callback during the flood").containsOnly(200);
        assertThat(r.maxMs).as("slowest valid callback, ms").isLessThan(2_000);
        assertThat(r.receiverThreadsDuring).isLessThanOrEqualTo(1 + 2 + 1 + 8);
    }

    @Test
    void aCapAboveTheFloodHoldsEveryConnectionWithTheSameThreads() throws Exception {
        Result r = flood(new CallbackReceiver.Limits(WANTED + 1_000, 8, Duration.ofSeconds(60)));
        assertThat(r.openOnServer).as("every flood connection held").isGreaterThanOrEqualTo(r.connections);
        assertThat(r.probeStatuses).containsOnly(200);
        assertThat(r.maxMs).isLessThan(2_000);
        assertThat(r.receiverThreadsDuring).isLessThanOrEqualTo(1 + 2 + 1 + 8);
    }

    private record Result(int connections, int openOnServer, List<Integer> probeStatuses, long medianMs, long maxMs,
                          int receiverThreadsDuring, int jvmThreadsDuring) {
    }

    private Result flood(CallbackReceiver.Limits limits) throws Exception {
        int connections = affordableConnections();
        int jvmBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<RawClient> flood = new ArrayList<>();
        try (CallbackReceiver receiver = new CallbackReceiver("127.0.0.1", 0, limits)) {
            receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
            int receiverIdle = receiverThreads();
            long openStart = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                RawClient c = new RawClient(receiver.port());
                flood.add(c);
                if (i % 2 == 1) {
                    c.send("POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\n"); // a head that never ends
                }
            }
            long openMs = (System.nanoTime() - openStart) / 1_000_000;
            List<Integer> statuses = new ArrayList<>();
            long[] ms = new long[PROBES];
            int peakThreads = receiverThreads();
            for (int i = 0; i < PROBES; i++) {
                long start = System.nanoTime();
                try (RawClient probe = new RawClient(receiver.port())) {
                    statuses.add(probe.send("POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + BODY.length()
                            + "\r\n\r\n" + BODY).status());
                }
                ms[i] = (System.nanoTime() - start) / 1_000_000;
                peakThreads = Math.max(peakThreads, receiverThreads());
            }
            Arrays.sort(ms);
            Result r = new Result(connections, receiver.openConnections(), statuses, ms[PROBES / 2], ms[PROBES - 1], peakThreads,
                    ManagementFactory.getThreadMXBean().getThreadCount());
            System.out.printf(Locale.ROOT, "FLOOD limits=%s fdLimit=%d connections=%d (half idle, half an unfinished head; opened in %d ms) "
                            + "heldByReceiver=%d probes=%d statuses=%s median=%d ms max=%d ms receiverThreads idle=%d during=%d "
                            + "jvmThreads before=%d during=%d counts=[%s]%n", limits, fdLimit(), connections, openMs, r.openOnServer,
                    PROBES, statuses.stream().distinct().toList(), r.medianMs, r.maxMs, receiverIdle, peakThreads, jvmBefore,
                    r.jvmThreadsDuring, receiver.counts());
            return r;
        } finally {
            flood.forEach(RawClient::closeQuietly);
        }
    }

    /** Threads of the receiver: its I/O dispatchers and listener (HttpCore's names), its timer and workers. */
    private static int receiverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("server-dispatch") || n.startsWith("server-listener") || n.startsWith("ltx-callback-"))
                .count();
    }

    private static long fdLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Up to 5,000, within this process's file-descriptor limit (a flood connection costs one descriptor here and one in the receiver). */
    private static int affordableConnections() throws IOException {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 500;
            return (int) Math.max(100, Math.min(WANTED, free / 2));
        }
        return WANTED;
    }
}
