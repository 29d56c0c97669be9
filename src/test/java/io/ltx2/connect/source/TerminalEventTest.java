package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalEventTest {
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "A fox", "720p", 8, "16:9", null, 42L, null);
    private static final SourceCoordinates SOURCE = new SourceCoordinates("requests", 2, 77);
    private static final RequestIdentity IDENTITY = RequestIdentity.of("sink", SOURCE);
    private static final RequestFacts FIRST_ATTEMPT = new RequestFacts(IDENTITY, "req-1", SOURCE, INPUT,
            Map.of("traceparent", "00-abc-01"), "task-1", 1_000L, 1, List.of(), false, List.of());

    @Test
    void successCarriesUrlsTimesCoordinatesInputAndTheAttempt() {
        TaskStatus status = new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of("https://x/v.mp4"), null, null,
                1_100L, 61_000L, 59_900L);
        Struct s = TerminalEvent.fromStatus(FIRST_ATTEMPT, status, 62_000L);
        s.validate();
        assertThat(s.schema().name()).isEqualTo("io.ltx2.connect.TerminalEvent");
        assertThat(s.schema().version()).isEqualTo(4);
        assertThat(s.getString("requestId")).isEqualTo("req-1");
        assertThat(s.getString("taskId")).isEqualTo("task-1");
        assertThat(s.getString("state")).isEqualTo("success");
        assertThat(s.<String>getArray("resultUrls")).containsExactly("https://x/v.mp4");
        assertThat(s.getString("failCode")).isNull();
        assertThat(s.getInt64("createTime")).isEqualTo(1_100L);
        assertThat(s.getInt64("completeTime")).isEqualTo(61_000L);
        assertThat(s.getInt64("costTime")).isEqualTo(59_900L);
        assertThat(s.getInt64("submitTime")).isEqualTo(1_000L);
        assertThat(s.getInt64("detectTime")).isEqualTo(62_000L);
        assertThat(s.getString("sourceTopic")).isEqualTo("requests");
        assertThat(s.getInt32("sourcePartition")).isEqualTo(2);
        assertThat(s.getInt64("sourceOffset")).isEqualTo(77L);
        assertThat(s.getString("input")).contains("\"prompt\":\"A fox\"").contains("\"aspect_ratio\":\"16:9\"");
        assertThat(s.getInt32("attempt")).isEqualTo(1);
        assertThat(s.getInt32("earlierAttempts")).isNull();
        assertThat(s.getBoolean("adopted")).isFalse();
    }

    @Test
    void anAdoptedTaskWithEarlierAttemptsSaysSoInFieldsAndHeaders() {
        RequestFacts adopted = new RequestFacts(IDENTITY, "req-1", SOURCE, INPUT, Map.of("traceparent", "00-abc-01", "ltx.task.id", "spoof"),
                "task-3", 5_000L, 3, List.of(new Attempt(1, 1_000L), new Attempt(2, 3_000L)), true, List.of("task-1"));
        Struct s = TerminalEvent.failed(adopted, TerminalEvent.TIMEOUT, "too slow", 9_000L);
        s.validate();
        assertThat(s.getInt32("attempt")).isEqualTo(3);
        assertThat(s.getInt32("earlierAttempts")).isEqualTo(2);
        assertThat(s.getBoolean("adopted")).isTrue();
        assertThat(s.<String>getArray("otherTaskIds")).containsExactly("task-1");

        ConnectHeaders headers = EventFactory.headers(adopted);
        assertThat(value(headers, "ltx.request.id")).containsExactly("req-1");
        assertThat(value(headers, "ltx.task.id")).as("a request header never overrides the connector's").containsExactly("task-3");
        assertThat(value(headers, "ltx.request.identity")).containsExactly("sink:requests:2:77");
        assertThat(value(headers, "ltx.earlier.attempts")).containsExactly("1@1000,2@3000");
        assertThat(value(headers, "ltx.adopted")).containsExactly("true");
        assertThat(value(headers, "ltx.other.task.ids")).containsExactly("task-1");
        assertThat(value(headers, "traceparent")).containsExactly("00-abc-01");
    }

    @Test
    void anOrdinaryEventHasNoAttemptOrAdoptionHeaders() {
        ConnectHeaders headers = EventFactory.headers(FIRST_ATTEMPT);
        assertThat(value(headers, "ltx.earlier.attempts")).isEmpty();
        assertThat(value(headers, "ltx.adopted")).isEmpty();
        assertThat(value(headers, "ltx.other.task.ids")).isEmpty();
        assertThat(value(headers, "ltx.task.id")).containsExactly("task-1");
        assertThat(TerminalEvent.fromStatus(FIRST_ATTEMPT, new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of(), null, null,
                1L, 2L, 1L), 3L).getArray("otherTaskIds")).isNull();
    }

    @Test
    void apiFailureKeepsTheApisCodeAndMessage() {
        TaskStatus status = new TaskStatus("task-1", TaskState.FAILED, "failed", null, "CONTENT_VIOLATION", "blocked", 1L, 2L, 1L);
        Struct s = TerminalEvent.fromStatus(FIRST_ATTEMPT, status, 3L);
        s.validate();
        assertThat(s.getString("state")).isEqualTo("failed");
        assertThat(s.getString("failCode")).isEqualTo("CONTENT_VIOLATION");
        assertThat(s.getString("failMsg")).isEqualTo("blocked");
        assertThat(s.<String>getArray("resultUrls")).isEmpty();
        TaskStatus noCode = new TaskStatus("task-1", TaskState.FAILED, "failed", null, null, null, 1L, 2L, 1L);
        assertThat(TerminalEvent.fromStatus(FIRST_ATTEMPT, noCode, 3L).getString("failCode")).isEqualTo("UNKNOWN");
    }

    @Test
    void connectorDecidedFailureAndRejection() {
        Struct timeout = TerminalEvent.failed(FIRST_ATTEMPT, TerminalEvent.TIMEOUT, "too slow", 5L);
        timeout.validate();
        assertThat(timeout.getString("failCode")).isEqualTo("TIMEOUT");
        assertThat(timeout.getInt64("createTime")).isNull();

        RequestFacts rejectedFacts = new RequestFacts(IDENTITY, "req-2", SOURCE, INPUT, Map.of(), null, 9L, null,
                List.of(new Attempt(1, 4L)), false, List.of());
        Struct r = TerminalEvent.rejected(rejectedFacts, "HTTP_400", "prompt too long", 10L);
        r.validate();
        assertThat(r.getString("state")).isEqualTo("rejected");
        assertThat(r.getString("taskId")).isNull();
        assertThat(r.getString("failCode")).isEqualTo("HTTP_400");
        assertThat(r.getString("failMsg")).isEqualTo("prompt too long");
        assertThat(r.getInt64("submitTime")).isEqualTo(9L);
        assertThat(r.getInt32("attempt")).isNull();
        assertThat(r.getInt32("earlierAttempts")).as("a rejected request may still have billed an ambiguous attempt").isEqualTo(1);
        assertThat(r.get("adopted")).isNull();
    }

    private static List<String> value(ConnectHeaders headers, String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.key().equals(name)) {
                out.add((String) h.value());
            }
        }
        return out;
    }

    @Test
    void version3AddsTheArchiveFieldsAsOptionalFieldsSoEarlierReadersReadOn() {
        TaskStatus status = new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of("https://x/v.mp4"), null, null,
                1_100L, 61_000L, 59_900L);
        Struct plain = TerminalEvent.fromStatus(FIRST_ATTEMPT, status, 62_000L);
        assertThat(plain.getArray("archivedUrls")).isNull();
        assertThat(plain.getString("archiveFailure")).isNull();
        for (String field : List.of("archivedUrls", "archivedHttpsUrls", "archiveFailure", "attempt", "earlierAttempts", "adopted",
                "otherTaskIds")) {
            assertThat(TerminalEvent.SCHEMA.field(field).schema().isOptional()).as(field).isTrue();
        }
        Struct archived = TerminalEvent.archived(TerminalEvent.fromStatus(FIRST_ATTEMPT, status, 62_000L),
                List.of("s3://b/k-0.mp4"), List.of("https://s3/b/k-0.mp4?X-Amz-Signature=s"));
        archived.validate();
        assertThat(archived.<String>getArray("archivedUrls")).containsExactly("s3://b/k-0.mp4");
        assertThat(archived.<String>getArray("archivedHttpsUrls")).hasSize(1);
        assertThat(archived.<String>getArray("resultUrls")).as("the original URLs stay").containsExactly("https://x/v.mp4");
        Struct failed = TerminalEvent.archiveFailed(TerminalEvent.fromStatus(FIRST_ATTEMPT, status, 62_000L), "RESULT_URL_GONE: HTTP 410");
        failed.validate();
        assertThat(failed.getString("archiveFailure")).startsWith("RESULT_URL_GONE");
        assertThat(failed.getString("state")).isEqualTo("success");
    }
}
