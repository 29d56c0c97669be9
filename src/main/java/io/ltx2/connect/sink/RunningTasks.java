package io.ltx2.connect.sink;

import io.ltx2.connect.util.Times;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The API tasks this sink task submitted that have no terminal event yet: its share of the key's
 * concurrent-task limit. Submissions come from the task itself (and, at start-up, from its tagged
 * SUBMITTED records on the tracking topic, see {@link BudgetHistory}); resolutions come from the
 * source connector's events topic, whose records carry the task id in the {@code ltx.task.id}
 * header. A background thread reads that topic (committed events only: an aborted transaction's
 * event does not end a task) from {@code timeout} ago and then follows it; until
 * it has caught up, {@link #hasRoom} says no, so a restart never over-submits. A task with no event
 * after {@code timeout} (the source's task time-out emits one anyway) stops counting.
 */
final class RunningTasks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);
    static final String TASK_ID_HEADER = "ltx.task.id";
    static final String OTHER_TASK_IDS_HEADER = "ltx.other.task.ids";
    /**
     * How long the broker may hold a fetch of the events topic to gather more events: the follower
     * wakes a few times a second, and the room made by the tasks that ended is used in batches.
     */
    static final Duration FETCH_WAIT = Duration.ofMillis(500);
    /** How often the events topic is looked up for added partitions. */
    private static final long REFRESH_MS = 30_000;

    private final int limit;
    private final Duration timeout;
    private final LongSupplier clock;
    /** Task id to submit time, oldest first; guarded by this. */
    private final LinkedHashMap<String, Long> running = new LinkedHashMap<>();
    private final Consumer<byte[], byte[]> consumer;
    private final String eventsTopic;
    private final Thread follower;
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private volatile Runnable onRoom = () -> { };

    RunningTasks(int limit, Duration timeout, LongSupplier clock, Supplier<Consumer<byte[], byte[]>> consumers, String eventsTopic,
                     Map<String, Long> submittedBefore, String threadName) {
        this.limit = limit;
        this.timeout = timeout;
        this.clock = clock;
        this.eventsTopic = eventsTopic;
        submittedBefore.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> running.put(e.getKey(), e.getValue()));
        this.consumer = consumers.get();
        this.follower = new Thread(this::follow, threadName);
        this.follower.setDaemon(true);
        this.follower.start();
    }

    /** Whether one more task may be created, counting {@code starting} creates not yet answered. */
    synchronized boolean hasRoom(int starting) {
        expire();
        return caughtUp && running.size() + starting < limit;
    }

    synchronized void submitted(String taskId) {
        running.put(taskId, clock.getAsLong());
    }

    synchronized int running() {
        expire();
        return running.size();
    }

    /** Run on the follower's thread after events ended some of the tasks (the submitter starts the creates this makes room for). */
    void onRoom(Runnable action) {
        this.onRoom = action;
    }

    int limit() {
        return limit;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    private void expire() {
        long oldest = Times.plus(clock.getAsLong(), -timeout.toMillis());
        for (Iterator<Long> it = running.values().iterator(); it.hasNext(); ) {
            if (it.next() > oldest) {
                break;
            }
            it.remove();
        }
    }

    /** One poll of the events topic: ends the tasks named, and tells the submitter when that made room. */
    private int readEvents() {
        int read = 0;
        int ended = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            read++;
            Header h = r.headers().lastHeader(TASK_ID_HEADER);
            if (h != null && h.value() != null && resolved(new String(h.value(), StandardCharsets.UTF_8))) {
                ended++;
            }
            // The event's other tasks (a failed task retried, a duplicate) are over too: their request is.
            Header others = r.headers().lastHeader(OTHER_TASK_IDS_HEADER);
            if (others != null && others.value() != null) {
                for (String id : new String(others.value(), StandardCharsets.UTF_8).split(",")) {
                    ended += !id.isBlank() && resolved(id.trim()) ? 1 : 0;
                }
            }
        }
        if (ended > 0 && caughtUp) {
            roomMade();
        }
        return read;
    }

    private void roomMade() {
        try {
            onRoom.run();
        } catch (RuntimeException e) {
            log.warn("Starting creates after tasks ended failed; the next put retries", e);
        }
    }

    private synchronized boolean resolved(String taskId) {
        return running.remove(taskId) != null;
    }

    /** The task is over without an event naming it yet (it failed and its request is retried): it stops counting. */
    void ended(String taskId) {
        if (resolved(taskId)) {
            roomMade();
        }
    }

    /** Why the events topic cannot be followed, or null; the task fails with it. */
    RuntimeException failure() {
        return failure;
    }

    private void follow() {
        try {
            long started = System.nanoTime();
            List<PartitionInfo> infos = consumer.partitionsFor(eventsTopic, Duration.ofSeconds(60));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("events topic " + eventsTopic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, Times.since(clock.getAsLong(), timeout.toMillis())));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofSeconds(60));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                consumer.seek(tp, start != null ? start.offset() : ends.get(tp));
            }
            long read = 0;
            long refreshAt = Times.plus(clock.getAsLong(), REFRESH_MS);
            while (!closed) {
                read += readEvents();
                if (clock.getAsLong() >= refreshAt) {
                    partitions = withAddedPartitions(partitions);
                    refreshAt = Times.plus(clock.getAsLong(), REFRESH_MS);
                }
                if (!caughtUp && partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.getOrDefault(tp, 0L))) {
                    caughtUp = true;
                    log.info("Concurrency cap: read {} events of {} in {} ms; {} of this task's API tasks still running (cap {})",
                            read, eventsTopic, (System.nanoTime() - started) / 1_000_000, running(), limit);
                    roomMade();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                failure = new ConnectException("Cannot follow the events topic " + eventsTopic
                        + " to cap concurrent tasks: " + e.getMessage(), e);
                log.error("Cannot follow the events topic {} to cap concurrent tasks", eventsTopic, e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The events topic's partitions, the ones added since {@code known} assigned too and read from their start (they are new). */
    private List<TopicPartition> withAddedPartitions(List<TopicPartition> known) {
        List<PartitionInfo> infos = consumer.partitionsFor(eventsTopic, Duration.ofSeconds(5));
        List<TopicPartition> added = infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
                .filter(tp -> !known.contains(tp)).toList();
        if (added.isEmpty()) {
            return known;
        }
        List<TopicPartition> all = new ArrayList<>(known);
        all.addAll(added);
        consumer.assign(all);
        consumer.seekToBeginning(added);
        log.info("Concurrency cap: following {} partition(s) added to {}", added.size(), eventsTopic);
        return all;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            follower.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
