package io.ltx2.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Reads an events topic from the start (read_committed) on its own thread, keeping what the scenarios measure. */
final class EventReader implements AutoCloseable {
    /** One terminal event: the request and task, its state, and when the connector detected it (epoch ms). */
    record Event(String requestId, String taskId, String state, String failCode, long detectTime, long readTime) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventReader(String bootstrap, String topic) {
        consumer = fromStart(bootstrap, topic, Map.of(), new StringDeserializer());
        thread = new Thread(this::run, "bench-events-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** A read_committed consumer assigned every partition of {@code topic}, at its start. */
    static <T> KafkaConsumer<T, T> fromStart(String bootstrap, String topic, Map<String, Object> settings, Deserializer<T> deserializer) {
        Map<String, Object> p = new HashMap<>(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<T, T> consumer = new KafkaConsumer<>(p, deserializer, deserializer);
        List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode v = Json.MAPPER.readTree(r.value());
                    events.add(new Event(r.key(), v.path("taskId").asText(null), v.path("state").asText(),
                            v.path("failCode").isNull() ? null : v.path("failCode").asText(null), v.path("detectTime").asLong(),
                            System.currentTimeMillis()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (IOException e) {
            throw new IllegalStateException("unreadable event", e);
        } finally {
            consumer.close();
        }
    }

    List<Event> events() {
        return new ArrayList<>(events);
    }

    int count() {
        return events.size();
    }

    /** Waits until {@code expected} events were read or the time-out; true if they were. */
    boolean awaitCount(int expected, Duration timeout) {
        return await(() -> events.size() >= expected, timeout);
    }

    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
