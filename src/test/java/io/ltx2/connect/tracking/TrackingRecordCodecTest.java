package io.ltx2.connect.tracking;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackingRecordCodecTest {
    private static final TrackedRequest REQUEST = new TrackedRequest(new RequestIdentity("sink", "requests", 2, 17), "user-1", "async", "auto",
            new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, 7L, null), Map.of("traceparent", "00-abc-def-01"));

    @Test
    void everyRecordOfARequestCarriesItsIdentityAndIsKeyedByIt() {
        List<TrackingRecord> records = List.of(TrackingRecord.intent(REQUEST, 2, 10L),
                TrackingRecord.submitted(REQUEST, "task-1", 2, List.of(new Attempt(1, 5L)), 11L),
                TrackingRecord.rejected(REQUEST, "HTTP_400", "no", List.of(), 12L),
                TrackingRecord.callback(REQUEST.identity(), "task-1", 13L, "success", "{}"));
        for (TrackingRecord r : records) {
            TrackingRecord back = TrackingRecordCodec.decode(TrackingRecordCodec.encode(r));
            assertThat(back).isEqualTo(r);
            assertThat(back.identity()).isEqualTo(REQUEST.identity());
            assertThat(back.key()).isEqualTo("sink:requests:2:17");
        }
        assertThat(records.get(1).earlierAttempts()).containsExactly(new Attempt(1, 5L));
        assertThat(records.get(0).request()).isEqualTo(REQUEST);
    }

    /**
     * Review D13, issue 24 item 2: the input topic's id is an optional field of version 2, which older readers skip; older
     * records read without it. It never changes the key (the partition), and it tells a recreated topic's request apart.
     */
    @Test
    void theInputTopicsIdIsCarriedWhenKnownKeepsTheKeyAndTellsRecreatedTopicsApart() {
        RequestIdentity plain = REQUEST.identity();
        RequestIdentity withId = new RequestIdentity(plain.connector(), plain.topic(), plain.partition(), plain.offset(), "Qm9ndXNUb3BpY0lkAA");
        TrackedRequest request = new TrackedRequest(withId, "user-1", "async", "auto", null, Map.of());
        byte[] encoded = TrackingRecordCodec.encode(TrackingRecord.intent(request, 1, 10L));
        TrackingRecord back = TrackingRecordCodec.decode(encoded);
        assertThat(back.version()).isEqualTo(2);
        assertThat(back.identity().topicId()).isEqualTo("Qm9ndXNUb3BpY0lkAA");
        assertThat(back.key()).isEqualTo("sink:requests:2:17");
        assertThat(back.identity()).isEqualTo(withId).isNotEqualTo(REQUEST.identity()).isNotEqualTo(plain.withTopicId("AnotherTopicId"));

        String without = new String(TrackingRecordCodec.encode(TrackingRecord.intent(REQUEST, 1, 10L)), StandardCharsets.UTF_8);
        assertThat(without).doesNotContain("topicId");
        assertThat(TrackingRecordCodec.decode(without.getBytes(StandardCharsets.UTF_8)).identity().topicId()).isNull();
        // What a reader that predates the field sees: the same record, the id skipped.
        assertThat(Json.MAPPER.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isFalse();
        assertThat(new String(encoded, StandardCharsets.UTF_8)).contains("\"source\":{\"topic\":\"requests\",\"partition\":2,\"offset\":17,"
                + "\"topicId\":\"Qm9ndXNUb3BpY0lkAA\"}");
    }

    @Test
    void callbackWithoutIdentityIsKeyedByItsTask() {
        TrackingRecord r = TrackingRecord.callback(null, "task-9", 1L, "success", "{}");
        assertThat(r.identity()).isNull();
        assertThat(r.key()).isEqualTo("task-9");
    }

    @Test
    void versionOneRecordsAreStillRead() {
        String v1 = "{\"v\":1,\"type\":\"SUBMITTED\",\"requestId\":\"r\",\"taskId\":\"t\",\"time\":5,"
                + "\"source\":{\"topic\":\"requests\",\"partition\":0,\"offset\":3},\"requestType\":\"async\"}";
        TrackingRecord r = TrackingRecordCodec.decode(v1.getBytes(StandardCharsets.UTF_8));
        assertThat(r.taskId()).isEqualTo("t");
        assertThat(r.identity()).as("no connector in version 1").isNull();
        assertThat(r.earlierAttempts()).isEmpty();
        assertThat(r.key()).isEqualTo("t");
    }

    @Test
    void unknownVersionsAndGarbageAreRefused() {
        assertThatThrownBy(() -> TrackingRecordCodec.decode("{\"v\":3,\"type\":\"INTENT\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TrackingRecordCodec.MalformedTrackingRecordException.class).hasMessageContaining("version 3");
        assertThatThrownBy(() -> TrackingRecordCodec.decode("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TrackingRecordCodec.MalformedTrackingRecordException.class);
    }
}
