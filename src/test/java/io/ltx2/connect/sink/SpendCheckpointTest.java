package io.ltx2.connect.sink;

import io.ltx2.connect.sink.cost.BudgetCheckpoint;
import io.ltx2.connect.sink.cost.CostControls;
import io.ltx2.connect.sink.cost.SpendBuckets;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spend caps across restarts with checkpoints: a start reads the budget topic and only the
 * tracking records after its checkpoint, and counts the same spend as a full read of the window
 * would; nothing is counted twice, the other indexes' spend and possible charges still count, and
 * the first start after an upgrade (no checkpoint) reads the whole window as before.
 */
class SpendCheckpointTest {
    private static final TopicPartition TP = new TopicPartition(SinkTaskHarness.INPUT, 0);
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(5);

    /** A SUBMITTED record of {@code connector}'s task {@code task}, {@code seconds} of video, written {@code ago} before now. */
    private static void plant(SinkTaskHarness h, int task, int count, int seconds, Duration ago) {
        long time = System.currentTimeMillis() - ago.toMillis();
        for (int i = 0; i < count; i++) {
            GenerationInput in = new GenerationInput("text-to-video", "earlier " + i, "480p", seconds, "16:9", null, 7L, null);
            TrackedRequest r = new TrackedRequest(new RequestIdentity(h.connector, "elsewhere", task, i), "earlier-" + i, "async", "auto", in,
                    Map.of());
            h.appendTagged(TrackingRecord.submitted(r, "planted-" + task + "-" + i, 1, List.of(), time + i), task);
        }
    }

    private static void submit(LtxSinkTask task, long offset, int seconds) {
        task.put(List.of(SinkTaskHarness.record(offset, null, Map.of("prompt", "clip " + offset, "resolution", "480p", "duration", (long) seconds))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            task.put(List.of());
            assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(offset + 1))).get(TP).offset()).isEqualTo(offset + 1);
        });
    }

    private static CostControls.Checkpoints started(LtxSinkTask task) {
        return task.pipeline().costs().checkpoints();
    }

    @Test
    void aRestartReadsItsCheckpointAndOnlyTheRecordsAfterItAndCountsTheSame() {
        SinkTaskHarness h = tasks.start("ckpt").with(LtxSinkConfig.BUDGET_SECONDS_PER_DAY, "100000");
        plant(h, 0, 300, 5, Duration.ofHours(3));
        LtxSinkTask first = h.start();
        assertThat(started(first).fromCheckpoint).as("no checkpoint yet: the whole day is read").isFalse();
        assertThat(started(first).startRead.recordsRead()).isEqualTo(300);
        assertThat(first.pipeline().costs().budget().remainingDay()).isEqualTo(100_000 - 1_500);
        submit(first, 0, 5);
        submit(first, 1, 10);
        h.stop();
        BudgetCheckpoint last = h.checkpoints().get(h.checkpoints().size() - 1);
        assertThat(last.key()).isEqualTo("ckpt:0");
        assertThat(last.own().total()).as("the stop's checkpoint holds everything spent").isEqualTo(1_515);

        LtxSinkTask second = h.start();
        assertThat(started(second).fromCheckpoint).isTrue();
        assertThat(started(second).startRead.recordsRead()).as("only the records of the last minutes, not the day's 300")
                .isLessThan(10);
        assertThat(second.pipeline().costs().budget().remainingDay()).as("nothing counted twice, nothing lost").isEqualTo(100_000 - 1_515);
    }

    @Test
    void recordsWrittenAfterTheLastCheckpointAreReadFromTheTrackingTopicOnce() {
        SinkTaskHarness h = tasks.start("ckpt-crash").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "1000");
        LtxSinkTask first = h.start(); // checkpoints at once: nothing spent
        submit(first, 0, 20);
        submit(first, 1, 15);
        h.crash(); // no checkpoint at stop: the two SUBMITTED records are after the last one

        LtxSinkTask second = h.start();
        assertThat(started(second).fromCheckpoint).isTrue();
        assertThat(second.pipeline().costs().budget().remainingHour()).isEqualTo(1_000 - 35);
        h.stop();
        LtxSinkTask third = h.start();
        assertThat(third.pipeline().costs().budget().remainingHour()).as("now in the checkpoint, and not also counted from the records")
                .isEqualTo(1_000 - 35);
    }

    @Test
    void theOtherIndexesCheckpointsCountAgainstTheConnectorsCapWhenTasksMaxWasReduced() {
        SinkTaskHarness h = tasks.start("ckpt-shrunk").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "1000");
        long now = System.currentTimeMillis();
        SpendBuckets byIndex1 = new SpendBuckets();
        byIndex1.add(now - 600_000, 300);
        h.appendCheckpoint(new BudgetCheckpoint("ckpt-shrunk", 0, now - 1_000, now - 500, new SpendBuckets(), List.of()));
        h.appendCheckpoint(new BudgetCheckpoint("ckpt-shrunk", 1, now - 1_000, now - 500, byIndex1, List.of()));
        h.appendCheckpoint(new BudgetCheckpoint("another-connector", 1, now - 1_000, now - 500, byIndex1, List.of()));
        LtxSinkTask task = h.start();
        assertThat(started(task).fromCheckpoint).isTrue();
        assertThat(task.pipeline().costs().budget().remainingHour()).as("index 1 spent 300 s of the connector's 1000 (now one task)")
                .isEqualTo(700);
    }

    @Test
    void aPossibleChargeInTheCheckpointStillCountsAfterARestart() {
        tasks.sim.setFaults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.values()[0]).build());
        SinkTaskHarness h = tasks.start("ckpt-charge").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "100")
                .with(LtxSinkConfig.CREATE_AMBIGUOUS_RETRIES, "0");
        LtxSinkTask first = h.start();
        submit(first, 0, 20);
        assertThat(first.pipeline().costs().budget().remainingHour()).isEqualTo(80);
        h.stop();
        tasks.sim.setFaults(Faults.builder().build());
        LtxSinkTask second = h.start();
        assertThat(started(second).fromCheckpoint).isTrue();
        assertThat(second.pipeline().costs().budget().remainingHour()).as("the create that may exist is still counted").isEqualTo(80);
    }

    @Test
    void theFirstStartAfterAnUpgradeReadsTheWindowAndItsCheckpointsCarryIndexesWithoutOne() {
        SinkTaskHarness h = tasks.start("ckpt-upgrade").with(LtxSinkConfig.BUDGET_SECONDS_PER_HOUR, "1000");
        plant(h, 1, 5, 20, Duration.ofMinutes(30)); // an index that no longer runs, from before the upgrade
        plant(h, 0, 2, 10, Duration.ofMinutes(20));
        LtxSinkTask first = h.start();
        assertThat(started(first).fromCheckpoint).isFalse();
        assertThat(first.pipeline().costs().budget().remainingHour()).isEqualTo(1_000 - 100 - 20);
        h.stop();
        BudgetCheckpoint last = h.checkpoints().get(h.checkpoints().size() - 1);
        assertThat(last.inherited()).singleElement().satisfies(i -> {
            assertThat(i.task()).isEqualTo(1);
            assertThat(i.usage().total()).isEqualTo(100);
        });

        LtxSinkTask second = h.start();
        assertThat(started(second).fromCheckpoint).isTrue();
        assertThat(started(second).startRead.recordsRead()).as("the planted records are older than the margin").isZero();
        assertThat(second.pipeline().costs().budget().remainingHour()).isEqualTo(1_000 - 100 - 20);
    }
}
