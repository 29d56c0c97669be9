package io.ltx2.connect.schema;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.source.RequestFacts;
import io.ltx2.connect.source.TerminalEvent;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import org.apache.kafka.connect.data.Struct;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Events of every kind, made by {@link TerminalEvent}'s own factory methods, with every optional field the kind sets. */
final class SampleEvents {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("ltx.requests", 1, 42);
    private static final RequestIdentity IDENTITY = RequestIdentity.of("ltx-sink", SOURCE);
    private static final GenerationInput INPUT = new GenerationInput("text-to-video-LoRA", "A heron", "720p", 8, "16:9", null, 7L,
            List.of(new Lora("https://h.test/l.safetensors", 0.8)));

    private SampleEvents() {
    }

    private static RequestFacts facts(String taskId, Integer attempt, List<Attempt> earlier, boolean adopted, List<String> others) {
        return new RequestFacts(IDENTITY, "req-7", SOURCE, INPUT, Map.of(), taskId, 1_000L, attempt, earlier, adopted, others);
    }

    static Struct success() {
        return TerminalEvent.fromStatus(facts("task-1", 1, List.of(), false, List.of()),
                new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of("https://cdn.test/v.mp4"), null, null, 1_100L, 61_000L, 59_900L),
                62_000L);
    }

    static Struct archivedAdoptedSuccessWithEarlierAttempts() {
        Struct s = TerminalEvent.fromStatus(facts("task-3", 3, List.of(new Attempt(1, 500L), new Attempt(2, 800L)), true, List.of("task-2")),
                new TaskStatus("task-3", TaskState.SUCCESS, "success", List.of("https://cdn.test/v.mp4"), null, null, 1_100L, 61_000L, 59_900L),
                62_000L);
        return TerminalEvent.archived(s, List.of("s3://videos/ltx/req-7.mp4"), List.of("https://s3.test/videos/ltx/req-7.mp4?sig=x"));
    }

    static Struct failed() {
        return TerminalEvent.failed(facts("task-4", 1, List.of(), false, List.of()), TerminalEvent.TIMEOUT, "unfinished after 30 min", 9_000L);
    }

    static Struct refused() {
        return TerminalEvent.refused(facts(null, null, List.of(), false, List.of()), "SensitiveContentDetected", "refused", 400,
                "prompt flagged", 2_000L);
    }

    static List<Struct> all() {
        return List.of(success(), archivedAdoptedSuccessWithEarlierAttempts(), failed(), refused());
    }

    /** The event's value as the ready configs write it: JsonConverter, schemas.enable=false. */
    static String json(Struct event) {
        return new String(SchemaFiles.schemalessJson().fromConnectData("ltx.events", TerminalEvent.SCHEMA, event), StandardCharsets.UTF_8);
    }
}
