package io.ltx2.connect.simulation;

import io.ltx2.connect.LtxSinkConnector;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.callback.CallbackRecordReader;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.util.Redaction;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Everything one run shares: the schedule, the virtual clock, Kafka and the API, the ledger, and the
 * callback receiver (which turns the API's webhooks into CALLBACK records, as the real one does once it
 * has authenticated them).
 */
final class World {
    static final String TRACKING = "ltx.tasks";
    static final String SINK = "ltx-sink";
    static final String API_KEY = "sim-api-key-4f2d9a";
    static final String CALLBACK_TOKEN = "cb-token-8e61c0d3";
    static final String CALLBACK_URL = "https://receiver.sim/callback/" + CALLBACK_TOKEN;

    final Schedule schedule;
    final VirtualTime time = new VirtualTime();
    final Random random;
    final SimKafka kafka = new SimKafka(time);
    final Ledger ledger = new Ledger();
    final VirtualApi api;
    final List<String> dlq = new ArrayList<>();
    private final TrackingWriter receiver;
    private List<Map<String, String>> sinkConfigs;

    World(Schedule schedule) {
        this.schedule = schedule;
        this.random = new Random(schedule.seed * 31 + 7);
        this.api = new VirtualApi(time, schedule.api, random, this::callback);
        kafka.create(TRACKING, schedule.trackingPartitions);
        kafka.create(SinkWorker.INPUT, schedule.inputPartitions);
        kafka.onAppend(tp -> {
            if (tp.topic().equals(TRACKING)) {
                List<SimKafka.Rec> log = kafka.partition(TRACKING, tp.partition());
                ledger.tracked(log.get(log.size() - 1), time.millis());
            }
        });
        SimNode receiverNode = new SimNode("callback-receiver", time, random);
        receiver = new TrackingWriter(TRACKING, new SimProducer(kafka, receiverNode, time, random), receiverNode);
    }

    /** The receiver got a webhook (already authenticated): its CALLBACK record, as the real receiver reads it. */
    private void callback(VirtualApi.Callback c) {
        try {
            receiver.write(CallbackRecordReader.read(c.body(), param(c.url(), RequestIdentity.CALLBACK_PARAM),
                    param(c.url(), RequestIdentity.CALLBACK_TOPIC_ID_PARAM), time.millis(), Redaction.of(List.of(CALLBACK_TOKEN))), null,
                    CallbackRecordReader.partitionOf(param(c.url(), RequestIdentity.CALLBACK_PARTITION_PARAM)));
        } catch (CallbackRecordReader.Refused refused) {
            ledger.violation("the receiver refused a webhook of task " + c.task().id + ": " + refused.getMessage());
        }
    }

    /** A query parameter of {@code url}, decoded; null when absent. */
    static String param(String url, String name) {
        String query = URI.create(url).getRawQuery();
        for (String p : query == null ? new String[0] : query.split("&")) {
            if (p.startsWith(name + "=")) {
                return URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The sink connector's task configs, from the connector itself. */
    List<Map<String, String>> sinkTaskConfigs(Map<String, String> props) {
        if (sinkConfigs == null) {
            LtxSinkConnector connector = new LtxSinkConnector();
            connector.start(props);
            sinkConfigs = connector.taskConfigs(schedule.sinkTasks);
        }
        return sinkConfigs;
    }

    /** The source emitted an event (one transaction: it is on the events topic with its offset). */
    void event(Struct value, Headers headers) {
        String prompt;
        try {
            prompt = value.getString("input") == null ? null : Json.MAPPER.readTree(value.getString("input")).path("prompt").asText(null);
        } catch (java.io.IOException e) {
            prompt = null;
        }
        if (prompt == null) {
            prompt = ledger.unreadableAt(value.getInt32("sourcePartition"), value.getInt64("sourceOffset"));
        }
        ledger.events.add(new Ledger.Event(prompt, value, headers, time.millis()));
    }

    /** Writes a request record to the input topic. */
    void write(Schedule.Request q) {
        Map<String, Object> value = new LinkedHashMap<>();
        byte[] bytes;
        switch (q.kind()) {
            case UNREADABLE -> bytes = "\"not a request\"".getBytes(StandardCharsets.UTF_8);
            case INVALID -> {
                value.put("prompt", q.prompt());
                value.put("duration", 30);
                bytes = json(value, q);
            }
            default -> {
                value.put("prompt", q.prompt());
                bytes = json(value, q);
            }
        }
        byte[] key = q.label() == null ? null : q.label().getBytes(StandardCharsets.UTF_8);
        SimKafka.Rec r = kafka.append(SinkWorker.INPUT, q.partition(), key, bytes, null, "app");
        ledger.written(q, kafka.topic(SinkWorker.INPUT).id, r.partition(), r.offset());
    }

    private static byte[] json(Map<String, Object> value, Schedule.Request q) {
        if (q.label() != null) {
            value.put("request_id", q.label());
        }
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
