package io.ltx2.connect.bench;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A connector's history on a tracking topic, written at full speed: v2 SUBMITTED records as the sink
 * writes them (identity, request id, input, trace header, the {@code ltx.sink.task} header of task 0
 * or 1), with CreateTime timestamps equal to their submit time, spread evenly over the last 24 hours
 * and in time order, ending a few minutes ago; then, stamped 30 s ago, the SUBMITTED records of the
 * given offsets of the request topic (requests an earlier owner already submitted).
 */
final class TrackingHistory {
    private static final long DAY_MS = 86_400_000L;
    private static final String[] RESOLUTIONS = {"480p", "720p", "1080p"};

    private TrackingHistory() {
    }

    static void write(String bootstrap, String topic, String connector, String input, int n, long now, List<Long> handledOffsets) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        SplittableRandom random = new SplittableRandom(n);
        long from = now - DAY_MS;
        long span = DAY_MS - 180_000; // the last record 3 minutes ago
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                long time = from + span * i / Math.max(1, n);
                RequestIdentity id = new RequestIdentity(connector, "app-requests", i % 12, i / 12);
                send(producer, topic, submitted(id, "req-" + i, input(random, i), random, time), i % 2);
            }
            int k = 0;
            for (long offset : handledOffsets) {
                RequestIdentity id = new RequestIdentity(connector, input, 0, offset);
                send(producer, topic, submitted(id, "redelivered-" + offset, input(random, (int) offset), random, now - 30_000 + k++), 0);
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, TrackingRecord r, int taskIndex) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ltx.sink.task", Integer.toString(taskIndex).getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, r.time(), r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r), headers));
    }

    private static TrackingRecord submitted(RequestIdentity id, String requestId, GenerationInput input, SplittableRandom random, long time) {
        byte[] taskId = new byte[16];
        random.nextBytes(taskId);
        String trace = "00-" + HexFormat.of().formatHex(taskId) + "-" + HexFormat.of().formatHex(taskId, 0, 8) + "-01";
        TrackedRequest r = new TrackedRequest(id, requestId, "async", "auto", input, Map.of("traceparent", trace));
        return TrackingRecord.submitted(r, HexFormat.of().formatHex(taskId), 1, List.of(), time);
    }

    private static GenerationInput input(SplittableRandom random, int i) {
        int roll = random.nextInt(100);
        String mode = roll < 45 ? "text-to-video" : roll < 65 ? "image-to-video" : roll < 85 ? "text-to-video-LoRA" : "image-to-video-LoRA";
        List<String> images = mode.startsWith("image") ? List.of("https://images.example.com/frame-" + i + ".png") : null;
        List<Lora> loras = mode.endsWith("LoRA") ? List.of(new Lora("https://loras.example.com/style-" + (i % 7) + ".safetensors?download=true",
                1.0)) : null;
        return new GenerationInput(mode, "Clip " + i + ": a lighthouse in a storm, seen from the sea, camera slowly orbiting",
                RESOLUTIONS[random.nextInt(3)], 5 + random.nextInt(16), images == null ? "16:9" : null, images,
                (long) (1 + random.nextInt(1_000_000)), loras);
    }
}
