package io.ltx2.connect.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the records of a topic (read_committed) as they arrive, without reading them: for runs of a million events. */
final class EventCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicLong count = new AtomicLong();
    private final Thread thread;
    private volatile long firstAt = -1;
    private volatile long lastAt = -1;
    private volatile boolean running = true;

    EventCounter(String bootstrap, String topic) {
        consumer = EventReader.fromStart(bootstrap, topic, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new ByteArrayDeserializer());
        thread = new Thread(this::run, "bench-count-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                int n = consumer.poll(Duration.ofMillis(200)).count();
                if (n > 0) {
                    long now = System.currentTimeMillis();
                    if (firstAt < 0) {
                        firstAt = now;
                    }
                    lastAt = now;
                    count.addAndGet(n);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    long count() {
        return count.get();
    }

    /** Epoch ms of the first and the last record read; -1 before any. */
    long firstAt() {
        return firstAt;
    }

    long lastAt() {
        return lastAt;
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
