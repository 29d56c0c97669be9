package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalEventTest {
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "A fox", "720p", 8, "16:9", null, 42L, null);
    private static final TrackingRecord SUBMITTED = TrackingRecord.submitted("req-1", "task-1", 1_000L,
            new SourceCoordinates("requests", 2, 77), "async", "auto", INPUT);

    @Test
    void successCarriesUrlsTimesCoordinatesAndInput() {
        TaskStatus status = new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of("https://x/v.mp4"), null, null,
                1_100L, 61_000L, 59_900L);
        Struct s = TerminalEvent.fromStatus(SUBMITTED, status, 62_000L);
        s.validate();
        assertThat(s.schema().name()).isEqualTo("io.ltx2.connect.TerminalEvent");
        assertThat(s.schema().version()).isEqualTo(1);
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
    }

    @Test
    void apiFailureKeepsTheApisCodeAndMessage() {
        TaskStatus status = new TaskStatus("task-1", TaskState.FAILED, "failed", null, "CONTENT_VIOLATION", "blocked", 1L, 2L, 1L);
        Struct s = TerminalEvent.fromStatus(SUBMITTED, status, 3L);
        s.validate();
        assertThat(s.getString("state")).isEqualTo("failed");
        assertThat(s.getString("failCode")).isEqualTo("CONTENT_VIOLATION");
        assertThat(s.getString("failMsg")).isEqualTo("blocked");
        assertThat(s.<String>getArray("resultUrls")).isEmpty();
    }

    @Test
    void connectorDecidedFailureAndRejection() {
        Struct timeout = TerminalEvent.failed(SUBMITTED, TerminalEvent.TIMEOUT, "too slow", 5L);
        timeout.validate();
        assertThat(timeout.getString("failCode")).isEqualTo("TIMEOUT");
        assertThat(timeout.getInt64("createTime")).isNull();

        TrackingRecord rejected = TrackingRecord.rejected("req-2", 9L, new SourceCoordinates("requests", 0, 5), INPUT,
                "HTTP_400", "prompt too long");
        Struct r = TerminalEvent.rejected(rejected, 10L);
        r.validate();
        assertThat(r.getString("state")).isEqualTo("rejected");
        assertThat(r.getString("taskId")).isNull();
        assertThat(r.getString("failCode")).isEqualTo("HTTP_400");
        assertThat(r.getString("failMsg")).isEqualTo("prompt too long");
        assertThat(r.getInt64("submitTime")).isEqualTo(9L);
    }

    @Test
    void requestIdFallsBackToTheSourceCoordinates() {
        TrackingRecord noId = TrackingRecord.rejected(null, 1L, new SourceCoordinates("requests", 1, 9), null, "INVALID_REQUEST", "x");
        assertThat(TerminalEvent.rejected(noId, 2L).getString("requestId")).isEqualTo("requests-1-9");
    }
}
