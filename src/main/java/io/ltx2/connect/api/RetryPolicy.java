package io.ltx2.connect.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter (between half and all of the doubling ceiling), bounded
 * by a number of retries. A server's {@code Retry-After} wins over the computed delay and is
 * honoured even when longer than {@code maxBackoff} (retrying sooner only earns another 429), up to
 * {@link #MAX_RETRY_AFTER} so a wild header cannot park a task for hours, and never shorter than
 * {@code initialBackoff}.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {

    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
    }

    /** True while a call that failed {@code attemptsSoFar} times may still be retried. */
    public boolean mayRetry(int attemptsSoFar) {
        return attemptsSoFar <= maxRetries;
    }

    /**
     * Delay before retry number {@code retry} (1 for the first retry).
     *
     * @param retryAfter the server's Retry-After, if any
     */
    public Duration delayFor(int retry, Optional<Duration> retryAfter) {
        return delayFor(retry, retryAfter, ThreadLocalRandom.current());
    }

    /** As {@link #delayFor(int, Optional)}, with the jitter drawn from {@code random}. */
    public Duration delayFor(int retry, Optional<Duration> retryAfter, RandomGenerator random) {
        if (retryAfter.isPresent()) {
            // Never sooner than the first backoff: "Retry-After: 0" must not turn into a tight loop.
            Duration ra = retryAfter.get().compareTo(initialBackoff) < 0 ? initialBackoff : retryAfter.get();
            return ra.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : ra;
        }
        long ceiling = ceilingMillis(retry);
        return Duration.ofMillis(random.nextLong(ceiling / 2, ceiling + 1));
    }

    /** The upper bound of the jittered delay for retry number {@code retry}. */
    long ceilingMillis(int retry) {
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = initialBackoff.toMillis() << shift;
        if (ceiling <= 0 || ceiling > maxBackoff.toMillis()) {
            ceiling = maxBackoff.toMillis();
        }
        return Math.max(ceiling, 1);
    }
}
