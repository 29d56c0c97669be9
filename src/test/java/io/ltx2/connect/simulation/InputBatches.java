package io.ltx2.connect.simulation;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ltx2.connect.util.Json;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A batch of input records for {@code put}, from a slot's positions on its unpaused partitions, converted as JsonConverter does (no schemas). */
final class InputBatches {
    private final World w;
    private final String topic;

    InputBatches(World w, String topic) {
        this.w = w;
        this.topic = topic;
    }

    List<SinkRecord> fetch(SinkWorker.SinkSlot slot) {
        int max = 1 + w.random.nextInt(20);
        List<SinkRecord> batch = new ArrayList<>();
        for (TopicPartition tp : slot.assigned) {
            if (slot.context.paused.contains(tp)) {
                continue;
            }
            List<SimKafka.Rec> log = w.kafka.partition(topic, tp.partition());
            long pos = slot.positions.getOrDefault(tp, 0L);
            while (pos < log.size() && batch.size() < max) {
                batch.add(toSinkRecord(log.get((int) pos++)));
            }
            slot.positions.put(tp, pos);
        }
        return batch;
    }

    private static SinkRecord toSinkRecord(SimKafka.Rec r) {
        Object value;
        try {
            value = Json.MAPPER.readValue(r.value(), new TypeReference<Object>() { });
        } catch (IOException e) {
            value = new String(r.value(), StandardCharsets.UTF_8);
        }
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        return new SinkRecord(r.topic(), r.partition(), null, key, null, value, r.offset(), r.timestamp(), TimestampType.CREATE_TIME,
                new ConnectHeaders(), r.topic(), r.partition(), r.offset());
    }
}
