package io.ltx2.connect.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseParserTest {

    private static TaskStatus status(String json) {
        JsonNode envelope = ResponseParser.parseBody(json.getBytes(StandardCharsets.UTF_8), 200, "test");
        return ResponseParser.status(ResponseParser.data(envelope, 200, "test"), 200);
    }

    @Test
    void resultJsonStringIsParsedTwiceIntoUrls() {
        TaskStatus s = status("{\"code\":200,\"message\":\"success\",\"data\":{\"taskId\":\"t1\",\"state\":\"success\","
                + "\"resultJson\":\"{\\\"resultUrls\\\":[\\\"https://cdn.test/a.mp4\\\"]}\","
                + "\"createTime\":1000,\"completeTime\":61000,\"costTime\":60000}}");
        assertThat(s.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(s.resultUrls()).containsExactly("https://cdn.test/a.mp4");
        assertThat(s.createTime()).isEqualTo(1000L);
        assertThat(s.completeTime()).isEqualTo(61000L);
        assertThat(s.costTime()).isEqualTo(60000L);
    }

    @Test
    void resultJsonAsObjectIsAcceptedToo() {
        TaskStatus s = status("{\"data\":{\"taskId\":\"t1\",\"state\":\"success\",\"resultJson\":{\"resultUrls\":[\"https://x/b.mp4\"]}}}");
        assertThat(s.resultUrls()).containsExactly("https://x/b.mp4");
    }

    @Test
    void failedCarriesCodeAndMessage() {
        TaskStatus s = status("{\"data\":{\"taskId\":\"t2\",\"state\":\"failed\",\"failCode\":\"CONTENT_VIOLATION\",\"failMsg\":\"nope\",\"resultJson\":null}}");
        assertThat(s.state()).isEqualTo(TaskState.FAILED);
        assertThat(s.failCode()).isEqualTo("CONTENT_VIOLATION");
        assertThat(s.failMsg()).isEqualTo("nope");
        assertThat(s.resultUrls()).isEmpty();
    }

    @Test
    void unknownStateIsKeptNotFatal() {
        TaskStatus s = status("{\"data\":{\"taskId\":\"t3\",\"state\":\"queued\"}}");
        assertThat(s.state()).isEqualTo(TaskState.UNKNOWN);
        assertThat(s.rawState()).isEqualTo("queued");
    }

    @Test
    void malformedAnswersAreClassified() {
        assertThatThrownBy(() -> status("<html>oops</html>"))
                .isInstanceOfSatisfying(LtxApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiErrorKind.MALFORMED_RESPONSE))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> status("{\"code\":200,\"data\":null}"))
                .isInstanceOfSatisfying(LtxApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiErrorKind.MALFORMED_RESPONSE))
                .hasMessageContaining("no data");
        assertThatThrownBy(() -> status("{\"data\":{\"taskId\":\"t4\",\"state\":\"success\",\"resultJson\":\"{not json\"}}"))
                .isInstanceOfSatisfying(LtxApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiErrorKind.MALFORMED_RESPONSE))
                .hasMessageContaining("resultJson is not JSON");
        assertThatThrownBy(() -> status("{\"data\":{\"taskId\":\"t5\",\"state\":\"success\",\"resultJson\":\"{}\"}}"))
                .hasMessageContaining("without result URLs");
    }

    @Test
    void createAnswerWithoutTaskIdIsMalformed() {
        JsonNode env = ResponseParser.parseBody("{\"code\":200,\"data\":{}}".getBytes(StandardCharsets.UTF_8), 200, "create");
        assertThatThrownBy(() -> ResponseParser.taskId(ResponseParser.data(env, 200, "create"), 200))
                .hasMessageContaining("no taskId");
    }

    @Test
    void longApiMessagesAreShortened() {
        JsonNode env = ResponseParser.parseBody(("{\"message\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8), 400, "t");
        assertThat(ResponseParser.message(env)).hasSizeLessThan(600);
    }
}
