package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The receiver on a real socket; the tracking topic is replaced by a list (the ITs cover Kafka). */
class CallbackReceiverTest {
    private static final String TOKEN = "tok-0123456789abcdef";
    private static final String BODY = "{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"t-1\",\"state\":\"success\","
            + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://x/v.mp4\\\"]}\"}}";

    private final List<TrackingRecord> written = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private CallbackReceiver receiver;

    private final CallbackWriter writer = new CallbackWriter() {
        @Override
        public Future<?> write(TrackingRecord record) {
            written.add(record);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        receiver = new CallbackReceiver("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private HttpResponse<String> post(String path, String body, String signatureHeader, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (signature != null) {
            b.header(signatureHeader, signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acceptsAValidTokenInPathOrQueryAndWritesACallbackRecord() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
        assertThat(post("/callback/" + TOKEN, BODY, null, null).statusCode()).isEqualTo(200);
        assertThat(post("/callback?token=" + TOKEN, BODY, null, null).statusCode()).isEqualTo(200);
        assertThat(written).hasSize(2);
        TrackingRecord r = written.get(0);
        assertThat(r.type()).isEqualTo(TrackingRecordType.CALLBACK);
        assertThat(r.taskId()).isEqualTo("t-1");
        assertThat(r.identity()).as("a URL without rid names no request").isNull();
        assertThat(r.key()).isEqualTo("t-1");
        assertThat(r.callbackState()).isEqualTo("success");
        assertThat(r.callbackBody()).contains("resultJson");
    }

    @Test
    void aCallbackUrlNamingTheRequestGivesARecordKeyedByItsIdentityInBothUrlForms() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
        RequestIdentity id = new RequestIdentity("sink-a", "user.requests", 3, 12345);
        String pathForm = id.appendTo("/callback/" + TOKEN);
        String queryForm = id.appendTo("/callback?token=" + TOKEN);
        assertThat(pathForm).contains("?rid=");
        assertThat(queryForm).contains("&rid=");
        assertThat(post(pathForm, BODY, null, null).statusCode()).isEqualTo(200);
        assertThat(post(queryForm, BODY, null, null).statusCode()).isEqualTo(200);
        assertThat(written).hasSize(2).allSatisfy(r -> {
            assertThat(r.identity()).isEqualTo(id);
            assertThat(r.key()).isEqualTo("sink-a:user.requests:3:12345");
            assertThat(r.taskId()).isEqualTo("t-1");
            assertThat(r.type()).isEqualTo(TrackingRecordType.CALLBACK);
        });
    }

    @Test
    void anUnreadableRidIsRefusedWith400AndNothingIsWritten() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
        HttpResponse<String> bad = post("/callback/" + TOKEN + "?rid=not-an-identity", BODY, null, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("bad rid");
        assertThat(post("/callback?token=" + TOKEN + "&rid=a%3Ab%3Ax%3A1", BODY, null, null).statusCode()).isEqualTo(400);
        assertThat(post("/callback?token=" + TOKEN + "&rid=a%3Ab%3A1%3A-5", BODY, null, null).statusCode()).isEqualTo(400);
        assertThat(written).isEmpty();
        // The token is checked before the rid: a wrong token with a bad rid is still 403.
        assertThat(post("/callback/wrong-token-0123456?rid=x", BODY, null, null).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesMissingOrWrongTokensAndWritesNothing() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, writer));
        assertThat(post("/callback", BODY, null, null).statusCode()).isEqualTo(401);
        assertThat(post("/callback/", BODY, null, null).statusCode()).isEqualTo(401);
        assertThat(post("/callback/" + TOKEN + "x", BODY, null, null).statusCode()).isEqualTo(403);
        assertThat(post("/callback?token=" + TOKEN.substring(1), BODY, null, null).statusCode()).isEqualTo(403);
        assertThat(post("/other/" + TOKEN, BODY, null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/callback/" + TOKEN))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(written).isEmpty();
    }

    @Test
    void refusesOversizedAndNonJsonBodiesAndBodiesWithoutTaskId() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 300, writer));
        assertThat(post("/callback/" + TOKEN, "{\"data\":{\"taskId\":\"t\",\"pad\":\"" + "x".repeat(400) + "\"}}", null, null).statusCode())
                .isEqualTo(413);
        assertThat(post("/callback/" + TOKEN, "not json", null, null).statusCode()).isEqualTo(400);
        assertThat(post("/callback/" + TOKEN, "[1,2]", null, null).statusCode()).isEqualTo(400);
        assertThat(post("/callback/" + TOKEN, "{\"data\":{\"state\":\"success\"}}", null, null).statusCode()).isEqualTo(400);
        assertThat(written).isEmpty();
    }

    @Test
    void checksTheHmacSignatureWhenConfigured() throws Exception {
        String secret = "hmac-secret";
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, secret, "X-Signature-256", 4096, writer));
        String good = CallbackAuthenticator.signHex(secret, BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(post("/callback/" + TOKEN, BODY, null, null).statusCode()).isEqualTo(401);
        assertThat(post("/callback/" + TOKEN, BODY, "X-Signature-256", CallbackAuthenticator.signHex("other", BODY.getBytes(StandardCharsets.UTF_8))).statusCode())
                .isEqualTo(403);
        assertThat(post("/callback/" + TOKEN, BODY.replace("t-1", "t-2"), "X-Signature-256", good).statusCode()).isEqualTo(403);
        assertThat(written).isEmpty();
        assertThat(post("/callback/" + TOKEN, BODY, "X-Signature-256", "sha256=" + good).statusCode()).isEqualTo(200);
        assertThat(written).hasSize(1);
    }

    @Test
    void aFailedWriteAnswers503SoTheApiRetries() throws Exception {
        receiver.addRoute(new CallbackReceiver.Route(TOKEN, null, "X-Signature-256", 4096, new CallbackWriter() {
            @Override
            public Future<?> write(TrackingRecord record) {
                return CompletableFuture.failedFuture(new RuntimeException("broker down"));
            }

            @Override
            public void close() {
            }
        }));
        assertThat(post("/callback/" + TOKEN, BODY, null, null).statusCode()).isEqualTo(503);
    }

    @Test
    void tokenComparisonIsExactAndSignaturesAcceptHexOrBase64() {
        assertThat(CallbackAuthenticator.tokenMatches("abc", "abc")).isTrue();
        assertThat(CallbackAuthenticator.tokenMatches("abc", "abd")).isFalse();
        assertThat(CallbackAuthenticator.tokenMatches("abc", null)).isFalse();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] mac = CallbackAuthenticator.sign("s", body);
        assertThat(CallbackAuthenticator.signatureMatches("s", body, java.util.Base64.getEncoder().encodeToString(mac))).isTrue();
        assertThat(CallbackAuthenticator.signatureMatches("s", body, CallbackAuthenticator.signHex("s", body).toUpperCase())).isTrue();
        assertThat(CallbackAuthenticator.signatureMatches("s", body, "zz")).isFalse();
    }
}
