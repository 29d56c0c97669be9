package io.ltx2.connect.sink.cost;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

public class SpendRecoveryTest {
    private static final long NOW = 10 * 86_400_000L;
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private static BudgetCheckpoint checkpoint(int task, long time, BudgetCheckpoint.Inherited... inherited) {
        return new BudgetCheckpoint("c", task, 1, time, new SpendBuckets(), List.of(inherited));
    }

    @Test
    void withoutItsOwnCheckpointATaskReadsTheWholeWindow() {
        SpendRecovery r = new SpendRecovery(0, Map.of(1, checkpoint(1, NOW - 60_000)));
        assertThat(r.readFrom(NOW, DAY, INTERVAL)).isEqualTo(NOW - DAY.toMillis());
    }

    @Test
    void theReadStartsAtTheEarliestCheckpointOfAnyIndexNotOnlyItsOwn() {
        // Index 1 was killed 10 minutes ago: its records after its last checkpoint are only on the tracking topic.
        SpendRecovery r = new SpendRecovery(0, Map.of(0, checkpoint(0, NOW - 30_000), 1, checkpoint(1, NOW - 600_000)));
        assertThat(r.readFrom(NOW, DAY, INTERVAL)).isEqualTo(NOW - 600_000);
        assertThat(r.countSince()).containsEntry("1", NOW - 600_000).containsEntry("0", NOW - 30_000);
    }

    @Test
    void anInheritedIndexIsReadBackFromWhereItsSpendWasCarried() {
        BudgetCheckpoint.Inherited old = new BudgetCheckpoint.Inherited(2, NOW - 3_600_000, new SpendBuckets());
        SpendRecovery r = new SpendRecovery(0, Map.of(0, checkpoint(0, NOW - 30_000, old)));
        assertThat(r.readFrom(NOW, DAY, INTERVAL)).isEqualTo(NOW - 3_600_000);
    }

    @Test
    void neverBeforeTheWindowAndAnIndexGoneLongAgoDoesNotForceAFullRead() {
        long windowStart = NOW - DAY.toMillis();
        // A week-old checkpoint of this task (the connector was paused): the read is bounded by the window.
        assertThat(new SpendRecovery(0, Map.of(0, checkpoint(0, NOW - 7 * DAY.toMillis()), 1, checkpoint(1, windowStart + 1_000)))
                .readFrom(NOW, DAY, INTERVAL)).isEqualTo(windowStart + 1_000);
        // Index 5 left when tasks.max was lowered two days ago: its records all lie before the window.
        SpendRecovery gone = new SpendRecovery(0, Map.of(0, checkpoint(0, NOW - 30_000), 5, checkpoint(5, NOW - 2 * DAY.toMillis())));
        assertThat(gone.readFrom(NOW, DAY, INTERVAL)).isEqualTo(NOW - 30_000);
        // ... but one that stopped just before the window may have written records inside it.
        SpendRecovery edge = new SpendRecovery(0, Map.of(0, checkpoint(0, NOW - 30_000), 5, checkpoint(5, windowStart - 10_000)));
        assertThat(edge.readFrom(NOW, DAY, INTERVAL)).isEqualTo(windowStart);
    }
}
