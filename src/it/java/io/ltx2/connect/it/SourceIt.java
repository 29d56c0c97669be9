package io.ltx2.connect.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the source ITs share: cluster settings, a tracking-topic writer, an events reader, task creation on the simulator. */
public final class SourceIt {
    public static final String API_KEY = "it-source-key";
    public static final double TIME_SCALE = 0.01;
    public static final String SINK = "it-sink";
    private static final AtomicLong NEXT_INPUT_OFFSET = new AtomicLong();

    private SourceIt() {
    }

    public static ApiSimulator simulator() throws IOException {
        return ApiSimulator.builder().apiKey(API_KEY).timeScale(TIME_SCALE).seed(11).build().start();
    }

    public static LtxApiClient client(ApiSimulator sim) {
        return new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password(API_KEY), "ltx-2-19b",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 16, 60_000, new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(1))));
    }

    /** Connector config for a simulator at TIME_SCALE: the contract's timings scaled down 100 times. */
    public static Map<String, String> connectorProps(String bootstrap, ApiSimulator sim, String trackingTopic, String eventsTopic, int tasks) {
        Map<String, String> c = ItConnectors.source(sim.baseUrl(), API_KEY, bootstrap, trackingTopic, eventsTopic, TIME_SCALE);
        c.put("tasks.max", String.valueOf(tasks));
        c.put("ltx.api.rate.limit.per.minute", "60000");
        c.put("ltx.poll.target.delay.ms", "40");   // 4 s at scale 1
        c.put("ltx.poll.fixed.initial.delay.ms", "600");
        c.put("ltx.poll.fixed.interval.ms", "50");
        c.put("ltx.task.timeout.ms", "20000");
        c.put("ltx.notfound.grace.ms", "1000");
        return c;
    }

    public static GenerationInput text(String prompt, String resolution, int duration) {
        return new GenerationInput("text-to-video", prompt, resolution, duration, "16:9", null, 42L, null);
    }

    public static GenerationInput image(String prompt, String imageUrl) {
        return new GenerationInput("image-to-video", prompt, "480p", 5, null, List.of(imageUrl), 7L, null);
    }

    public static GenerationInput lora(String prompt, String path) {
        return new GenerationInput("text-to-video-LoRA", prompt, "480p", 5, "16:9", null, 7L, List.of(new Lora(path, 1.0)));
    }

    /** A request read by the sink {@value #SINK} from a record of its own (a new input offset each time): a request is its record. */
    public static TrackedRequest request(String requestId, GenerationInput input, String requestType) {
        SourceCoordinates record = new SourceCoordinates("requests", 0, NEXT_INPUT_OFFSET.getAndIncrement());
        return new TrackedRequest(RequestIdentity.of(SINK, record), requestId, requestType, "auto", input, Map.of("traceparent",
                "00-" + requestId + "-01"));
    }

    /**
     * Creates a task on the simulator as the sink would (the callback URL naming the request), and
     * returns its SUBMITTED tracking record (attempt 1).
     */
    public static TrackingRecord submit(LtxApiClient client, String requestId, GenerationInput input, String requestType, String callbackUrl)
            throws Exception {
        TrackedRequest request = request(requestId, input, requestType);
        return TrackingRecord.submitted(request, create(client, request, callbackUrl), 1, List.of(), System.currentTimeMillis());
    }

    /** Creates the request's task on the simulator; the callback URL (null for none) gets the request's identity. */
    public static String create(LtxApiClient client, TrackedRequest request, String callbackUrl) throws Exception {
        String url = callbackUrl == null ? null : request.identity().appendTo(callbackUrl);
        return client.createTask(new CreateTaskRequest(request.requestType(), url, "auto", request.input())).get(30, TimeUnit.SECONDS);
    }

    public static void write(String bootstrap, String topic, List<TrackingRecord> records) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (TrackingRecord r : records) {
                producer.send(new ProducerRecord<>(topic, r.key().getBytes(StandardCharsets.UTF_8), TrackingRecordCodec.encode(r)));
            }
            producer.flush();
        }
    }

    /** One event as read back: key, JSON value, headers. */
    public record Event(String key, JsonNode value, Map<String, String> headers) {
        public String state() {
            return value.path("state").asText();
        }

        public String failCode() {
            return value.path("failCode").isNull() ? null : value.path("failCode").asText(null);
        }
    }

    /** Reads the events topic from the start with read_committed until {@code expected} events or the time-out, then {@code linger} more. */
    public static List<Event> readEvents(String bootstrap, String topic, int expected, Duration timeout, Duration linger) throws IOException {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            long stopAt = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, stopAt)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    events.add(new Event(r.key(), Json.MAPPER.readTree(r.value()), headers));
                }
                if (events.size() >= expected && stopAt == Long.MAX_VALUE) {
                    stopAt = System.currentTimeMillis() + linger.toMillis();
                }
            }
        }
        return events;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
