package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver's bounds on a real socket, with requests no HTTP client would send: refusals before
 * the body, the connection cap, and the request deadline that cuts idle and trickling connections.
 */
class CallbackReceiverBoundsTest {
    private static final String TOKEN = "tok-0123456789abcdef";
    private static final String BODY = "{\"data\":{\"taskId\":\"t-1\",\"state\":\"success\"}}";

    private final List<TrackingRecord> written = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Object>> held = new CopyOnWriteArrayList<>();
    private volatile boolean hold;
    private CallbackReceiver receiver;
    private final List<RawClient> clients = new ArrayList<>();

    private final CallbackWriter writer = new CallbackWriter() {
        @Override
        public Future<?> write(TrackingRecord record) {
            written.add(record);
            if (hold) {
                CompletableFuture<Object> f = new CompletableFuture<>();
                held.add(f);
                return f;
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    };

    private void start(CallbackReceiver.Limits limits) throws IOException {
        receiver = new CallbackReceiver("127.0.0.1", 0, limits);
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
    }

    private RawClient client() throws IOException {
        RawClient c = new RawClient(receiver.port());
        clients.add(c);
        return c;
    }

    private static String callback(String token, String body) {
        return "POST /callback/" + token + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    @AfterEach
    void stop() throws IOException {
        held.forEach(f -> f.complete(null));
        for (RawClient c : clients) {
            c.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aWrongTokenIsAnsweredBeforeItsBodyIsSentAndTheBodyIsNeverRead() throws Exception {
        start(CallbackReceiver.Limits.DEFAULT);
        RawClient c = client().send("POST /callback/wrong-token-0123456789 HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        assertThat(c.status()).as("answered on the head alone").isEqualTo(403);
        assertThat(c.msUntilClosed(3_000)).as("then closed, so the announced 10 MB are never read").isBetween(0L, 3_000L);
        RawClient path = client().send("POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.writeFails()).as("writing the body fails: the connection is gone").isTrue();
        assertThat(written).isEmpty();
    }

    @Test
    void aDeclaredLengthOverTheMaximumIs413BeforeTheBodyAndAChunkedOneIsCutAtTheMaximum() throws Exception {
        start(CallbackReceiver.Limits.DEFAULT);
        RawClient declared = client().send("POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.msUntilClosed(3_000)).isBetween(0L, 3_000L);
        RawClient chunked = client().send("POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(5000) + "\r\n" + "x".repeat(5000) + "\r\n");
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(written).isEmpty();
    }

    @Test
    void keepAliveConnectionsServeOneCallbackAfterAnother() throws Exception {
        start(CallbackReceiver.Limits.DEFAULT);
        RawClient c = client();
        assertThat(c.send(callback(TOKEN, BODY)).status()).isEqualTo(200);
        assertThat(c.send(callback(TOKEN, BODY)).status()).isEqualTo(200);
        assertThat(c.send(callback("wrong-token-0123456789", BODY)).status()).isEqualTo(403);
        assertThat(c.msUntilClosed(2_000)).as("a refused request with a body closes its connection").isBetween(0L, 2_000L);
        assertThat(client().send(callback(TOKEN, BODY)).status()).isEqualTo(200);
        assertThat(written).hasSize(3);
    }

    @Test
    void atTheCapTheStalestConnectionMakesRoomAndWhenAllAreAnsweringANewOneGets503() throws Exception {
        start(new CallbackReceiver.Limits(3, 4, Duration.ofSeconds(10)));
        List<RawClient> idle = List.of(client(), client(), client());
        awaitOpen(3);
        RawClient late = client();
        assertThat(late.send(callback(TOKEN, BODY)).status()).as("a callback gets in at the cap").isEqualTo(200);
        int closed = 0;
        for (RawClient c : idle) {
            closed += c.msUntilClosed(700) >= 0 ? 1 : 0;
        }
        assertThat(closed).as("one idle connection (the first the receiver registered) was closed for it").isEqualTo(1);
        clients.forEach(RawClient::closeQuietly);
        clients.clear();
        awaitOpen(0);
        hold = true;
        for (int i = 0; i < 3; i++) {
            client().send(callback(TOKEN, BODY));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 3);
        RawClient refused = client();
        assertThat(refused.status()).as("every slot is writing a callback: refused at once").isEqualTo(503);
        assertThat(refused.msUntilClosed(2_000)).isBetween(0L, 2_000L);
        assertThat(receiver.counts()).contains("1 idle ones closed for them, 1 refused");
    }

    @Test
    void idleAndTricklingConnectionsAreCutAtTheRequestTimeout() throws Exception {
        start(new CallbackReceiver.Limits(16, 2, Duration.ofMillis(700)));
        RawClient idle = client();
        assertThat(idle.msUntilClosed(4_000)).as("idle").isBetween(500L, 3_000L);
        RawClient head = client();
        long headCut = trickle(head, "POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(100));
        assertThat(headCut).as("a head trickled a byte every 200 ms, each within the socket timeout").isBetween(500L, 3_000L);
        RawClient body = client().send("POST /callback/" + TOKEN + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
        long bodyCut = trickle(body, "\"data\":{\"taskId\":\"t-1\",\"pad\":\"" + "p".repeat(80));
        assertThat(bodyCut).as("a body trickled likewise").isBetween(500L, 3_000L);
        assertThat(written).isEmpty();
        assertThat(receiver.counts()).contains("3 cut by the 700 ms request timeout");
    }

    /** Sends one byte every 200 ms; the ms until a write fails (the server closed the connection), or -1. */
    private static long trickle(RawClient c, String text) {
        long start = System.nanoTime();
        try {
            for (char ch : text.toCharArray()) {
                c.send(String.valueOf(ch));
                Thread.sleep(200);
            }
            return -1;
        } catch (IOException e) {
            return (System.nanoTime() - start) / 1_000_000;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void awaitOpen(int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> receiver.openConnections() == n);
    }
}
