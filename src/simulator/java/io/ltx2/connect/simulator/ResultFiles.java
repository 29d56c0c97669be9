package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The result files of successful tasks, served by the simulator itself at their result URLs
 * ({@code <origin>/results/<model>/<taskId>-<index>.mp4}), as the API's CDN serves the real videos: no
 * key needed, Content-Type {@code video/mp4}, a Content-Length, and deterministic bytes (an MP4
 * {@code ftyp} box, then a pseudo-random stream seeded by the task id and index) of the configured size,
 * generated while they are written (nothing is held in memory), optionally at a bandwidth per download. Like the real API's URLs they expire:
 * {@code resultTtl} after the task's completion they answer 410 Gone; a task that is unknown, not (yet)
 * successful, or an index past its results answers 404.
 */
public final class ResultFiles {
    private static final Logger log = LoggerFactory.getLogger(ResultFiles.class);
    static final String PATH_PREFIX = "/results/";
    private static final int CHUNK = 64 * 1024;
    private static final byte[] FTYP = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm', 'p', '4', '2', 'i', 's', 'o', 'm'};

    private final SimulatorState state;
    private final Clock clock;
    private final long bytes;
    private final long ttlMs;
    private final long bytesPerSecond;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();

    /** Result downloads so far: served, their bytes, and refused because expired. */
    public record Counts(long served, long bytes, long expired) {
    }

    ResultFiles(SimulatorState state, Clock clock, SimulatorConfig.Results results) {
        this.state = state;
        this.clock = clock;
        this.bytes = results.bytes();
        this.ttlMs = results.ttl().toMillis();
        this.bytesPerSecond = results.bytesPerSecond();
    }

    Counts counts() {
        return new Counts(served.get(), bytesServed.get(), expired.get());
    }

    /** Handles {@code GET /results/<model>/<taskId>-<index>.mp4}. */
    void handle(HttpExchange ex, String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dash = name.lastIndexOf('-');
        if (!ex.getRequestMethod().equals("GET") || dash < 1 || !name.endsWith(".mp4")) {
            sendText(ex, ex.getRequestMethod().equals("GET") ? 404 : 405, "no such result");
            return;
        }
        String taskId = name.substring(0, dash);
        int index;
        try {
            index = Integer.parseInt(name.substring(dash + 1, name.length() - ".mp4".length()));
        } catch (NumberFormatException e) {
            sendText(ex, 404, "no such result");
            return;
        }
        SimTask task = state.task(taskId);
        long now = clock.millis();
        if (task == null || !"success".equals(task.stateAt(now)) || index < 0 || index >= task.resultUrls.size()) {
            sendText(ex, 404, "no such result");
        } else if (now > task.completeTime + ttlMs) {
            expired.incrementAndGet();
            sendText(ex, 410, "this result URL expired " + (now - task.completeTime - ttlMs) + " ms ago");
        } else {
            stream(ex, taskId, index);
        }
    }

    private void stream(HttpExchange ex, String taskId, int index) {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", "video/mp4");
            ex.sendResponseHeaders(200, bytes);
            Content content = new Content(taskId, index);
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, bytes))];
            long started = System.nanoTime();
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < bytes; ) {
                    int n = (int) Math.min(chunk.length, bytes - sent);
                    content.next(chunk, n);
                    out.write(chunk, 0, n);
                    sent += n;
                    bytesServed.addAndGet(n);
                    pace(started, sent);
                }
            }
            served.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("result download of {}-{} ended early: {}", taskId, index, e.toString()); // the client went away
        }
    }

    /** With a rate set, sleeps until {@code sent} bytes are due: a CDN's per-connection bandwidth. */
    private void pace(long startedNanos, long sent) throws InterruptedException {
        if (bytesPerSecond > 0) {
            long dueNanos = startedNanos + sent * 1_000_000_000L / bytesPerSecond;
            long wait = dueNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    private static void sendText(HttpExchange ex, int status, String text) {
        try (ex) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            log.debug("could not answer a result download: {}", e.toString());
        }
    }

    /** The first {@code length} bytes of result {@code index} of {@code taskId}: what its URL serves (for tests). */
    public static byte[] content(String taskId, int index, int length) {
        byte[] out = new byte[length];
        new Content(taskId, index).next(out, length);
        return out;
    }

    /** The bytes of one result file, in order: the ftyp box, then xorshift output seeded by the task id and index. */
    private static final class Content {
        private long state;
        private long position;

        Content(String taskId, int index) {
            this.state = FaultDice.mix(taskId.hashCode() * 31L + index) | 1;
        }

        private long word;
        private int wordLeft;

        /** The next {@code n} bytes: eight from each xorshift step. */
        void next(byte[] into, int n) {
            for (int i = 0; i < n; i++, position++) {
                if (position < FTYP.length) {
                    into[i] = FTYP[(int) position];
                    continue;
                }
                if (wordLeft == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    wordLeft = 8;
                }
                into[i] = (byte) word;
                word >>>= 8;
                wordLeft--;
            }
        }
    }
}
