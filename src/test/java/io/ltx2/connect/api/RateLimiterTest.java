package io.ltx2.connect.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsOneSecondBurstThenSpacesCallsAtTheRate() {
        RateLimiter limiter = new RateLimiter(600, now::get); // 10 per second
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.reserve()).as("burst call %d", i).isZero();
        }
        // The 11th call has to wait one interval (100 ms), the 12th two.
        assertThat(limiter.reserve()).isBetween(99_000_000L, 101_000_000L);
        assertThat(limiter.reserve()).isBetween(199_000_000L, 201_000_000L);
    }

    @Test
    void waitNanosShowsTheBacklogWithoutTakingAPermit() {
        RateLimiter limiter = new RateLimiter(600, now::get); // 10 per second
        assertThat(limiter.waitNanos(0)).isZero();
        assertThat(limiter.waitNanos(9)).as("the 10th call of the burst").isZero();
        assertThat(limiter.waitNanos(10)).isBetween(99_000_000L, 101_000_000L);
        for (int i = 0; i < 15; i++) {
            limiter.reserve();
        }
        // 5 calls beyond the burst are queued: the next would wait 6 intervals; asking twice changes nothing.
        assertThat(limiter.waitNanos(0)).isBetween(599_000_000L, 601_000_000L);
        assertThat(limiter.waitNanos(0)).isBetween(599_000_000L, 601_000_000L);
        assertThat(limiter.waitNanos(2)).isBetween(799_000_000L, 801_000_000L);
        now.addAndGet(600_000_000L);
        assertThat(limiter.waitNanos(0)).isZero();
        assertThat(limiter.reserve()).isZero();
    }

    @Test
    void scheduledCallsNeverExceedTheRateOverAMinute() {
        RateLimiter limiter = new RateLimiter(6_000, now::get);
        // 20,000 callers reserve at once: the last must be scheduled ~ (20,000 - burst) / 100 per s later.
        long lastDelay = 0;
        int within60s = 0;
        for (int i = 0; i < 20_000; i++) {
            lastDelay = limiter.reserve();
            if (lastDelay < 60_000_000_000L) {
                within60s++;
            }
        }
        assertThat(within60s).isLessThanOrEqualTo(6_000 + 100);
        assertThat(lastDelay).isBetween(198_000_000_000L, 200_000_000_000L);
    }

    @Test
    void refillsWhileIdleButNotBeyondOneSecondOfCalls() {
        RateLimiter limiter = new RateLimiter(60, now::get); // 1 per second, bucket of 1
        assertThat(limiter.reserve()).isZero();
        now.addAndGet(10_000_000_000L); // idle 10 s
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).as("idle time does not bank a burst").isGreaterThan(900_000_000L);
    }

    @Test
    void rejectsNonPositiveRate() {
        assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterA429sRetryAfterCallsResumeAtTheRateWithoutABurst() {
        RateLimiter limiter = new RateLimiter(600, now::get); // 10 per second, a burst of 10
        limiter.reserve();
        limiter.holdUntil(now.get() + 2_000_000_000L);
        assertThat(limiter.waitNanos(0)).as("held for the Retry-After").isGreaterThanOrEqualTo(2_000_000_000L);
        now.addAndGet(2_000_000_000L);
        assertThat(limiter.reserve()).as("nothing built up while held").isBetween(99_000_000L, 101_000_000L);
        assertThat(limiter.reserve()).isBetween(199_000_000L, 201_000_000L);
        now.addAndGet(10_000_000_000L);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.reserve()).as("the burst is back once the rate allows it").isZero();
        }
    }
}
