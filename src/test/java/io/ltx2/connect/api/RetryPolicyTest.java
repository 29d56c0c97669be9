package io.ltx2.connect.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void backoffGrowsExponentiallyWithJitterAndIsCapped() {
        assertThat(policy.ceilingMillis(1)).isEqualTo(100);
        assertThat(policy.ceilingMillis(2)).isEqualTo(200);
        assertThat(policy.ceilingMillis(3)).isEqualTo(400);
        assertThat(policy.ceilingMillis(10)).isEqualTo(1000);
        assertThat(policy.ceilingMillis(200)).as("no overflow on large retry counts").isEqualTo(1000);
        for (int i = 0; i < 200; i++) {
            long d = policy.delayFor(3, Optional.empty()).toMillis();
            assertThat(d).isBetween(200L, 400L);
        }
    }

    @Test
    void retryAfterWinsEvenAboveMaxBackoffButIsCapped() {
        assertThat(policy.delayFor(1, Optional.of(Duration.ofMillis(700)))).isEqualTo(Duration.ofMillis(700));
        assertThat(policy.delayFor(1, Optional.of(Duration.ofSeconds(90)))).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.delayFor(1, Optional.of(Duration.ofHours(3)))).isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
        assertThat(policy.delayFor(1, Optional.of(Duration.ZERO))).as("no tight loop on Retry-After: 0").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void retriesAreBounded() {
        assertThat(policy.mayRetry(1)).isTrue();
        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
        assertThat(new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)).mayRetry(1)).isFalse();
    }
}
