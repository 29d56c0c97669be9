package io.ltx2.connect.api;

import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 24 item 11: what the API answers is read with the connector's secrets hidden, so an error or a failMsg that
 * echoes the callback URL (with the receiver's token) or the key never reaches events, DLQ headers or logs.
 */
class RedactionTest {
    private static final String TOKEN = "tok-5f3a9c1e77d24b0e";
    private static final String CALLBACK = "https://hooks.example.com/callback/" + TOKEN;
    private static final String KEY = "sk-live-0123456789abcdef";

    /** A client whose every call is answered at once with {@code status} and {@code body}. */
    private static LtxApiClient answering(int status, String body) {
        ApiClientSettings settings = new ApiClientSettings(URI.create("https://api.example.com/api/v1"), new Password(KEY), "ltx-2-19b",
                Duration.ofSeconds(1), Duration.ofSeconds(1), 4, 60_000, new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .withRedaction(Redaction.of(List.of(KEY)).and(Redaction.ofCallbackUrl(CALLBACK)));
        return new LtxApiClient(settings, TaskEnvironment.SYSTEM, new ApiExchange() {
            @Override
            public void send(SimpleHttpRequest request, FutureCallback<SimpleHttpResponse> callback) {
                callback.completed(SimpleHttpResponse.create(status, body, ContentType.APPLICATION_JSON));
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void anErrorEchoingTheCallbackUrlOrTheKeyIsReadWithBothHidden() {
        String body = "{\"code\":400,\"message\":\"callback_url " + CALLBACK.replace("/", "\\/") + " is not reachable\",\"data\":{\"error\":"
                + "\"key " + KEY + " may not call back to " + CALLBACK + "?rid=x\"}}";
        try (LtxApiClient client = answering(400, body)) {
            CompletableFuture<String> created = client.createTask(new CreateTaskRequest("callback", CALLBACK, null,
                    new GenerationInput(null, "a fox", "480p", 5, null, null, null, null)));
            assertThatThrownBy(() -> created.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).satisfies(e -> {
                LtxApiException api = (LtxApiException) e.getCause();
                assertThat(api.getMessage()).doesNotContain(TOKEN).doesNotContain(KEY).contains(Redaction.MARK);
                assertThat(api.refusal().detail()).doesNotContain(TOKEN).doesNotContain(KEY).contains(Redaction.MARK);
            });
        }
    }

    @Test
    void aFailMsgEchoingTheCallbackUrlIsReadWithTheTokenHidden() throws Exception {
        String body = "{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"t1\",\"state\":\"failed\",\"failCode\":\"X\","
                + "\"failMsg\":\"could not POST to " + CALLBACK + "\"}}";
        try (LtxApiClient client = answering(200, body)) {
            TaskStatus status = client.getStatus("t1").get(5, TimeUnit.SECONDS);
            assertThat(status.failMsg()).doesNotContain(TOKEN).isEqualTo("could not POST to " + Redaction.MARK);
        }
    }

    @Test
    void shortSecretsAreNotMatchedSoOrdinaryWordsStay() {
        assertThat(Redaction.of(List.of("k", "key")).apply("the key k")).isEqualTo("the key k");
        assertThat(Redaction.ofCallbackUrl(CALLBACK).apply("posted to " + CALLBACK + " and " + TOKEN))
                .isEqualTo("posted to " + Redaction.MARK + " and " + Redaction.MARK);
    }

    /** With the token in the query, the path's last segment is a word ("callback"), not a secret: it stays everywhere. */
    @Test
    void aTokenInTheQueryIsHiddenAndThePathsLastWordStays() {
        String url = "https://hooks.example.com/ltx/callback?token=" + TOKEN;
        assertThat(Redaction.ofCallbackUrl(url).apply("callback mode: posted to " + url + ", then to https://hooks.example.com/ltx/callback"))
                .isEqualTo("callback mode: posted to " + Redaction.MARK + ", then to " + Redaction.MARK);
        assertThat(Redaction.ofCallbackUrl(url).apply("the token " + TOKEN)).isEqualTo("the token " + Redaction.MARK);
    }
}
