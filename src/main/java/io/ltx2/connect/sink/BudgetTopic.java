package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingTopicScan;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The compacted topic of spend checkpoints ({@code ltx.sink.budget.topic}), one record per task index
 * of each connector: created at start when missing, read whole at start (it is tiny) and then followed
 * by the task's {@link TrackingFeed}, and written through the task's tracking producer. A task instance
 * stops writing once it sees a later instance of its index write (it is then a zombie whose checkpoint
 * would hide its successor's spend).
 */
final class BudgetTopic {
    private static final Logger log = LoggerFactory.getLogger(BudgetTopic.class);
    private static final Duration METADATA_RETRY = Duration.ofMillis(100);

    private final String topic;
    private final TrackingFeed feed;
    private final TrackingWriter writer;
    private final String key;
    private final long instance;
    private boolean superseded;

    BudgetTopic(String topic, TrackingFeed feed, TrackingWriter writer, String connector, int task, long instance) {
        this.topic = topic;
        this.feed = feed;
        this.writer = writer;
        this.key = BudgetCheckpoint.key(connector, task);
        this.instance = instance;
    }

    String name() {
        return topic;
    }

    /**
     * Creates the topic (compacted, one partition) unless it exists.
     *
     * @param replicationFactor empty for the broker's default
     * @throws ConnectException when it does not exist and cannot be created
     */
    static void ensure(Admin admin, String topic, Optional<Short> replicationFactor, Duration timeout) {
        try {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            NewTopic t = new NewTopic(topic, Optional.of(1), replicationFactor)
                    // Hourly segments: the log cleaner never compacts the active segment, and a start reads the whole topic.
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis())));
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the spend checkpoint topic {} (compacted, 1 partition, replication factor {})", topic,
                    replicationFactor.map(String::valueOf).orElse("the broker's default"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // another task created it meanwhile
            }
            throw cannotCreate(topic, e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw cannotCreate(topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cannotCreate(topic, e);
        }
    }

    private static ConnectException cannotCreate(String topic, Throwable cause) {
        return new ConnectException("The spend checkpoint topic " + topic + " does not exist and cannot be created (" + cause
                + "). Create it (cleanup.policy=compact, 1 partition) or let the connector's principal create it, or name another with "
                + "ltx.sink.budget.topic", cause);
    }

    /**
     * Reads the whole topic: the latest checkpoint of each index of {@code connector}. The feed then
     * follows it from there, to see later writes of this index.
     */
    Map<Integer, BudgetCheckpoint> readAll(String connector, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (feed.partitionsFor(topic, timeout).isEmpty()) {
            // Just created: the broker asked may not have its metadata yet.
            if (System.nanoTime() > deadline) {
                throw new ConnectException("The spend checkpoint topic " + topic + " has no partitions visible to the connector");
            }
            sleep(METADATA_RETRY);
        }
        Map<Integer, BudgetCheckpoint> latest = new HashMap<>();
        TrackingTopicScan.Result read = feed.scan(topic, 0, timeout, "Reading the spend checkpoint topic " + topic, r -> {
            BudgetCheckpoint c = decode(r);
            if (c != null && c.connector().equals(connector)) {
                latest.merge(c.task(), c, (a, b) -> b.supersedes(a) ? b : a);
            }
        });
        feed.follow(read.ends(), (r, again) -> laterInstance(decode(r)));
        return latest;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for the spend checkpoint topic's metadata", e);
        }
    }

    /** Writes the checkpoint, unless a later instance of this index has written one; failures are logged (the next write retries). */
    void write(BudgetCheckpoint c) {
        if (superseded) {
            return;
        }
        writer.send(topic, key, c.encode()).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Could not write the spend checkpoint of {} to {}: {}; the next one is tried in time", key, topic, error.toString());
            }
        });
    }

    private void laterInstance(BudgetCheckpoint c) {
        if (c != null && !superseded && c.key().equals(key) && c.instance() > instance) {
            superseded = true;
            log.warn("A later instance of this task (started at {}) writes the spend checkpoint of {}: this instance no longer does",
                    c.instance(), key);
        }
    }

    private static BudgetCheckpoint decode(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return BudgetCheckpoint.decode(r.value());
        } catch (IllegalArgumentException e) {
            log.debug("Skipping unreadable spend checkpoint {} at {}-{}@{}: {}", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }
}
