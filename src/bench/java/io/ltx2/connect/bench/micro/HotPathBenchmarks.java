package io.ltx2.connect.bench.micro;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.InputValidator;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.config.RequestDefaults;
import io.ltx2.connect.sink.request.PropagatedHeaders;
import io.ltx2.connect.sink.request.RequestParser;
import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.source.RequestFacts;
import io.ltx2.connect.source.TerminalEvent;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** JMH: the per-record hot paths of the sink (parse + validate) and the source (tracking decode, event build). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {
    private final RequestParser parser = new RequestParser("c", new RequestDefaults("text-to-video", "720p", 10, "16:9", null, "auto"), new PropagatedHeaders(List.of("traceparent"), null));
    private final SinkRecord mapRecord;
    private final SinkRecord jsonRecord;
    private final TrackingRecord submitted;
    private final RequestFacts facts;
    private final byte[] encoded;
    private final TaskStatus success;

    public HotPathBenchmarks() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("request_id", "req-123456");
        value.put("mode", "image-to-video-LoRA");
        value.put("prompt", "The character waves at the camera, soft morning light, shallow depth of field");
        value.put("resolution", "720p");
        value.put("duration", 8L);
        value.put("seed", 42L);
        value.put("image_urls", List.of("https://images.example.com/c.png"));
        value.put("loras", List.of(Map.of("path", "https://loras.example.com/style.safetensors?download=true", "scale", 1.0)));
        mapRecord = new SinkRecord("requests", 3, null, "req-123456", null, value, 1234L);
        jsonRecord = new SinkRecord("requests", 3, null, "req-123456", null,
                "{\"request_id\":\"req-123456\",\"mode\":\"text-to-video\",\"prompt\":\"A red fox running through snow at dawn\","
                        + "\"resolution\":\"1080p\",\"duration\":12,\"aspect_ratio\":\"16:9\",\"seed\":7}", 1235L);
        GenerationInput input = new GenerationInput("image-to-video-LoRA", "The character waves", "720p", 8, null,
                List.of("https://images.example.com/c.png"), 42L, List.of(new Lora("https://loras.example.com/style.safetensors?download=true", 1.0)));
        RequestIdentity identity = RequestIdentity.of("sink", new SourceCoordinates("requests", 3, 1234L));
        submitted = TrackingRecord.submitted(new TrackedRequest(identity, "req-123456", "async", "auto", input, Map.of()), "task-9f8e7d6c5b4a",
                1, List.of(), 1_700_000_000_000L);
        facts = new RequestFacts(identity, "req-123456", identity.coordinates(), input, Map.of(), "task-9f8e7d6c5b4a", 1_700_000_000_000L,
                1, List.of(), false, List.of());
        encoded = TrackingRecordCodec.encode(submitted);
        success = new TaskStatus("task-9f8e7d6c5b4a", TaskState.SUCCESS, "success", List.of("https://results.example.com/v.mp4"), null, null,
                1_700_000_000_100L, 1_700_000_075_000L, 74_900L);
    }

    /** Sink: a schemaless (Map) record to a validated request. */
    @Benchmark
    public List<String> parseAndValidateMap() {
        SinkRequest r = parser.parse(mapRecord);
        return InputValidator.problems(r.input());
    }

    /** Sink: a JSON-string record (StringConverter) to a validated request. */
    @Benchmark
    public List<String> parseAndValidateJsonString() {
        SinkRequest r = parser.parse(jsonRecord);
        return InputValidator.problems(r.input());
    }

    /** Sink: the SUBMITTED tracking record to bytes. */
    @Benchmark
    public byte[] encodeTrackingRecord() {
        return TrackingRecordCodec.encode(submitted);
    }

    /** Source: tracking bytes back to a record. */
    @Benchmark
    public TrackingRecord decodeTrackingRecord() {
        return TrackingRecordCodec.decode(encoded);
    }

    /** Source: the terminal event of a successful task. */
    @Benchmark
    public Struct buildSuccessEvent() {
        return TerminalEvent.fromStatus(facts, success, 1_700_000_075_500L);
    }
}
