package io.ltx2.connect.sink.cost;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A checkpoint's spend: by minute, counted at each minute's latest record, a few kilobytes for a day at the API's ceiling. */
public class SpendBucketsTest {
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void aMinuteCountsAtItsLatestRecordAndSurvivesItsEncoding() {
        SpendBuckets b = new SpendBuckets();
        b.add(T0 + 1_000, 5);
        b.add(T0 + 30_000, 10);
        b.add(T0 + 3 * 60_000 + 7, 20);
        assertThat(b.usage()).containsExactly(new SpendBudget.Usage(T0 + 30_000, 15), new SpendBudget.Usage(T0 + 3 * 60_000 + 7, 20));
        assertThat(SpendBuckets.decode(b.encode()).usage()).as("to the end of the latest record's second")
                .containsExactly(new SpendBudget.Usage(T0 + 30_999, 15), new SpendBudget.Usage(T0 + 3 * 60_000 + 999, 20));
        b.dropBefore(T0 + 2 * 60_000);
        assertThat(b.total()).isEqualTo(20);
        assertThatThrownBy(() -> SpendBuckets.decode("gA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDayAtTheApisCeilingIsAFewKilobytes() {
        SpendBuckets b = new SpendBuckets();
        for (int i = 0; i < 1_000_000; i++) {
            b.add(T0 + i * 86L, 20); // a million 20-second requests over 24 hours
        }
        String encoded = b.encode();
        assertThat(encoded.length()).isLessThan(10_000);
        assertThat(SpendBuckets.decode(encoded).total()).isEqualTo(20_000_000L);
    }

    @Test
    void aCheckpointCoversEveryRecordStampedBeforeItAndNoLaterOne() {
        AtomicLong now = new AtomicLong(T0);
        SpendLedger ledger = new SpendLedger(Duration.ofHours(1), now::get);
        assertThat(ledger.stamp(20)).isEqualTo(T0);
        BudgetCheckpoint c = ledger.checkpoint("c", 0, T0);
        assertThat(c.time()).isGreaterThan(T0);
        assertThat(c.own().total()).isEqualTo(20);
        assertThat(ledger.stamp(5)).as("same millisecond, after the checkpoint: stamped at its time, so read from the tracking topic")
                .isEqualTo(c.time());
        now.set(T0 + Duration.ofHours(2).toMillis());
        BudgetCheckpoint later = ledger.checkpoint("c", 0, T0);
        assertThat(later.own().total()).as("the window's spend only").isZero();
        assertThat(BudgetCheckpoint.decode(later.encode()).time()).isEqualTo(later.time());
        assertThat(later.supersedes(c)).isTrue();
        assertThat(new BudgetCheckpoint("c", 0, T0 + 1, T0, new SpendBuckets(), List.of()).supersedes(later)).as("a later instance wins")
                .isTrue();
    }
}
