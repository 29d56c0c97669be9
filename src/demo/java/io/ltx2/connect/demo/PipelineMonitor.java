package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows a set of requests through the pipeline by reading the tracking topic (SUBMITTED,
 * REJECTED) and the events topic (terminal events), the way an application would. Single-threaded:
 * call {@link #poll} in a loop.
 */
public final class PipelineMonitor implements AutoCloseable {

    /** Counts at one moment. In flight = submitted and not yet resolved by a success or failed event. */
    public record Progress(int requests, int submitted, int inFlight, int succeeded, int failed, int rejected) {
        public int terminal() {
            return succeeded + failed + rejected;
        }

        public String line() {
            return String.format("submitted %d | in flight %d | succeeded %d | failed %d | rejected %d  (%d/%d done)",
                    submitted, inFlight, succeeded, failed, rejected, terminal(), requests);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String trackingTopic;
    private final String eventsTopic;
    private final Set<String> requestIds;
    private final Set<String> submitted = new HashSet<>();
    private final Set<String> trackedRejected = new HashSet<>();
    private final Map<String, JsonNode> events = new LinkedHashMap<>();
    private int duplicateEvents;

    public PipelineMonitor(String bootstrapServers, String trackingTopic, String eventsTopic, Set<String> requestIds) {
        this.trackingTopic = trackingTopic;
        this.eventsTopic = eventsTopic;
        this.requestIds = Set.copyOf(requestIds);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // the events are written in transactions when exactly-once source is on
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "ltx-demo-monitor"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(trackingTopic, eventsTopic)) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived within {@code timeout} and returns the counts. */
    public Progress poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            if (record.topic().equals(trackingTopic)) {
                onTracking(record);
            } else if (record.topic().equals(eventsTopic)) {
                onEvent(record);
            }
        }
        return progress();
    }

    public Progress progress() {
        int succeeded = count("success");
        int failed = count("failed");
        int rejected = count("rejected");
        int inFlight = Math.max(0, submitted.size() - succeeded - failed);
        return new Progress(requestIds.size(), submitted.size(), inFlight, succeeded, failed, rejected);
    }

    /** The terminal events seen so far, by request id, in arrival order (the event values as JSON). */
    public Map<String, JsonNode> events() {
        return Map.copyOf(events);
    }

    /** Events seen for a request that already had one (should stay 0). */
    public int duplicateEvents() {
        return duplicateEvents;
    }

    /** Request ids with a REJECTED record on the tracking topic. */
    public Set<String> trackedRejected() {
        return Set.copyOf(trackedRejected);
    }

    private void onTracking(ConsumerRecord<byte[], byte[]> record) {
        TrackingRecord tracking;
        try {
            tracking = TrackingRecordCodec.decode(record.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return;
        }
        // CALLBACK records carry only the task id; Set.of rejects contains(null)
        if (tracking.requestId() == null || !requestIds.contains(tracking.requestId())) {
            return;
        }
        if (tracking.type() == TrackingRecordType.SUBMITTED) {
            submitted.add(tracking.requestId());
        } else if (tracking.type() == TrackingRecordType.REJECTED) {
            trackedRejected.add(tracking.requestId());
        }
    }

    private void onEvent(ConsumerRecord<byte[], byte[]> record) {
        String requestId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (requestId == null || !requestIds.contains(requestId) || record.value() == null) {
            return;
        }
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(record.value());
        } catch (IOException e) {
            return;
        }
        // JsonConverter with schemas.enable=true wraps the value as {"schema":..., "payload":...}
        if (value.has("schema") && value.has("payload")) {
            value = value.get("payload");
        }
        if (events.putIfAbsent(requestId, value) != null) {
            duplicateEvents++;
        }
    }

    private int count(String state) {
        return (int) events.values().stream().filter(e -> state.equals(e.path("state").asText())).count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
