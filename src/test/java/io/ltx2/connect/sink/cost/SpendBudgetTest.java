package io.ltx2.connect.sink.cost;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

public class SpendBudgetTest {
    private static final long T0 = 1_800_000_000_000L;
    private final AtomicLong now = new AtomicLong(T0);

    @Test
    void hourlyCapIsSplitAcrossTasksAndFreesAsSubmissionsLeaveTheWindow() {
        SpendBudget budget = new SpendBudget(100, 0, 2, now::get);
        assertThat(budget.hourCap()).isEqualTo(50);
        assertThat(budget.tryReserve(20)).isNotNull();
        now.addAndGet(Duration.ofMinutes(10).toMillis());
        assertThat(budget.tryReserve(20)).isNotNull();
        assertThat(budget.remainingHour()).isEqualTo(10);
        assertThat(budget.tryReserve(20)).isNull();
        assertThat(budget.blocked()).isTrue();

        now.set(T0 + Duration.ofHours(1).toMillis() + 1); // the first 20 s leave the window
        assertThat(budget.remainingHour()).isEqualTo(30);
        assertThat(budget.tryReserve(20)).isNotNull();
        assertThat(budget.blocked()).isFalse();
        assertThat(budget.remainingDay()).isEqualTo(-1);
    }

    @Test
    void dailyCapHoldsWhenTheHourlyOneWouldAllow() {
        SpendBudget budget = new SpendBudget(40, 60, 1, now::get);
        assertThat(budget.tryReserve(20)).isNotNull();
        assertThat(budget.tryReserve(20)).isNotNull();
        now.addAndGet(Duration.ofMinutes(61).toMillis());
        assertThat(budget.tryReserve(20)).isNotNull();
        now.addAndGet(Duration.ofMinutes(61).toMillis());
        assertThat(budget.remainingHour()).isEqualTo(40);
        assertThat(budget.remainingDay()).isZero();
        assertThat(budget.tryReserve(5)).isNull();
        now.set(T0 + Duration.ofDays(1).toMillis() + 1);
        assertThat(budget.tryReserve(20)).isNotNull();
    }

    @Test
    void releasedReservationIsGivenBack() {
        SpendBudget budget = new SpendBudget(20, 0, 1, now::get);
        SpendBudget.Reservation r = budget.tryReserve(20);
        assertThat(budget.tryReserve(5)).isNull();
        budget.release(r);
        assertThat(budget.remainingHour()).isEqualTo(20);
        assertThat(budget.tryReserve(5)).isNotNull();
        // Released after it left the window: nothing is subtracted twice.
        now.addAndGet(Duration.ofHours(2).toMillis());
        SpendBudget.Reservation late = budget.tryReserve(10);
        now.addAndGet(Duration.ofHours(2).toMillis());
        budget.release(late);
        assertThat(budget.remainingHour()).isEqualTo(20);
    }

    @Test
    void usageReadBackAtStartUpCountsOwnAgainstTheTaskPartAndOthersAgainstTheConnectorCap() {
        SpendBudget budget = new SpendBudget(100, 0, 2, now::get);
        budget.load(List.of(new SpendBudget.Usage(T0 - 60_000, 30)),
                // e.g. a task index that no longer exists after tasks.max was lowered
                List.of(new SpendBudget.Usage(T0 - 120_000, 60), new SpendBudget.Usage(T0 - Duration.ofHours(2).toMillis(), 100)));
        assertThat(budget.remainingHour()).isEqualTo(10); // min(50 - 30, 100 - 30 - 60)
        assertThat(budget.tryReserve(15)).isNull();
        assertThat(budget.tryReserve(10)).isNotNull();
    }

    @Test
    void pausedTimeCountsFromTheFirstRefusalToTheNextReservationOrIdle() {
        SpendBudget budget = new SpendBudget(20, 0, 1, now::get);
        budget.tryReserve(20);
        assertThat(budget.tryReserve(5)).isNull();
        now.addAndGet(1_000);
        assertThat(budget.tryReserve(5)).isNull(); // still the same pause
        now.addAndGet(2_000);
        assertThat(budget.pausedMs()).isEqualTo(3_000);
        budget.idle();
        now.addAndGet(5_000);
        assertThat(budget.pausedMs()).isEqualTo(3_000);
    }

    @Test
    void withoutCapsEverythingFits() {
        SpendBudget budget = new SpendBudget(0, 0, 3, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(budget.tryReserve(20)).isNotNull();
        }
        assertThat(budget.remainingHour()).isEqualTo(-1);
    }
}
