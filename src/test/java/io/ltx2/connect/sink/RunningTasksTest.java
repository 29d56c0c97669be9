package io.ltx2.connect.sink;

import io.ltx2.connect.testkit.LogConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The concurrency cap counts the task's API tasks until their events, and tells the submitter as soon as events make room. */
class RunningTasksTest {

    @Test
    void eventsThatEndTasksMakeRoomAndSaySo() {
        long now = System.currentTimeMillis();
        ScanConsumer events = new ScanConsumer("events", new ArrayList<>());
        AtomicInteger roomMade = new AtomicInteger();
        try (RunningTasks running = new RunningTasks(2, Duration.ofHours(1), System::currentTimeMillis, () -> events, "events",
                Map.of("t1", now, "t2", now), "running-tasks-test")) {
            running.onRoom(roomMade::incrementAndGet);
            await().atMost(Duration.ofSeconds(5)).until(running::caughtUp);
            assertThat(running.hasRoom(0)).as("2 of 2 running").isFalse();
            int afterCatchUp = roomMade.get();

            events.append(event(0, "t1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> roomMade.get() > afterCatchUp);
            assertThat(running.running()).isEqualTo(1);
            assertThat(running.hasRoom(0)).isTrue();

            events.append(event(1, "unknown-task"));
            events.append(event(2, "t1"));
            assertThat(running.running()).isEqualTo(1);
        }
    }

    @Test
    void aTimeOutOfLongMaxValueMeansNeverAndStillFollowsTheEvents() {
        long now = System.currentTimeMillis();
        ScanConsumer events = new ScanConsumer("events", new ArrayList<>(java.util.List.of(event(0, "t1"))));
        try (RunningTasks running = new RunningTasks(2, Duration.ofMillis(Long.MAX_VALUE), System::currentTimeMillis, () -> events, "events",
                Map.of("t1", now, "t2", now - 1), "running-tasks-forever")) {
            await().atMost(Duration.ofSeconds(5)).until(running::caughtUp);
            assertThat(running.running()).as("t1 ended by its event, t2 never times out").isEqualTo(1);
        }
    }

    /**
     * Issue 24 item 4b: the follower assigned the events topic's partitions once, so the events of a partition added later
     * never ended their tasks and the cap stayed full; it looks the topic up again and reads added partitions from their start.
     */
    @Test
    void eventsOnAPartitionAddedAfterTheStartEndTheirTasks() {
        long now = System.currentTimeMillis();
        List<List<ConsumerRecord<byte[], byte[]>>> partitions = new CopyOnWriteArrayList<>();
        partitions.add(new CopyOnWriteArrayList<>());
        LogConsumer events = new LogConsumer(new LogConsumer.Logs() {
            @Override
            public List<PartitionInfo> infos(String topic) {
                return !"events".equals(topic) ? List.of()
                        : IntStream.range(0, partitions.size()).mapToObj(p -> new PartitionInfo("events", p, null, null, null)).toList();
            }

            @Override
            public List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp) {
                return partitions.get(tp.partition());
            }
        });
        AtomicLong clock = new AtomicLong(now);
        try (RunningTasks running = new RunningTasks(2, Duration.ofHours(1), clock::get, () -> events, "events", Map.of("t1", now, "t2", now),
                "running-tasks-added")) {
            await().atMost(Duration.ofSeconds(5)).until(running::caughtUp);
            partitions.add(new CopyOnWriteArrayList<>(List.of(event(1, 0, "t1"))));
            clock.addAndGet(31_000); // past the look-up interval
            await().atMost(Duration.ofSeconds(5)).until(() -> running.running() == 1);
        }
    }

    private static ConsumerRecord<byte[], byte[]> event(long offset, String taskId) {
        return event(0, offset, taskId);
    }

    private static ConsumerRecord<byte[], byte[]> event(int partition, long offset, String taskId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RunningTasks.TASK_ID_HEADER, taskId.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("events", partition, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME, -1, -1, null, new byte[0], headers,
                Optional.empty());
    }
}
