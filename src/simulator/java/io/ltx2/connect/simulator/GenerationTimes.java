package io.ltx2.connect.simulator;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Mode;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long a task stays pending and processing. Contract times (480p 40-60 s, 720p 60-90 s,
 * 1080p 90-120 s, longer videos towards the top of the range, LoRA modes 10-20 s more; failures
 * after a short processing time) are multiplied by the time scale. The random part is drawn from
 * the simulator's seed and the payload, so the same seed and payload always take the same time.
 * A fixed generation time, when set, replaces the model (and is not scaled).
 */
final class GenerationTimes {
    /** Queueing before processing starts: 1-3 s. */
    private static final long PENDING_MIN_MS = 1_000;
    private static final long PENDING_SPREAD_MS = 2_000;
    /** Failed tasks fail after 3-8 s of processing, like moderation or download errors. */
    private static final long FAIL_MIN_MS = 3_000;
    private static final long FAIL_SPREAD_MS = 5_000;

    private final double timeScale;
    private final Duration fixed;
    private final long seed;

    GenerationTimes(double timeScale, Duration fixed, long seed) {
        this.timeScale = timeScale;
        this.fixed = fixed;
        this.seed = seed;
    }

    /** Pending and processing durations in wall-clock ms. */
    record Times(long pendingMs, long processingMs) {
    }

    Times timesFor(GenerationInput input, long payloadHash, boolean fails) {
        if (fixed != null) {
            long total = fixed.toMillis();
            long pending = total / 10;
            return new Times(pending, total - pending);
        }
        SplittableRandom random = new SplittableRandom(FaultDice.mix(seed ^ payloadHash));
        long pending = PENDING_MIN_MS + random.nextLong(PENDING_SPREAD_MS + 1);
        long processing;
        if (fails) {
            processing = FAIL_MIN_MS + random.nextLong(FAIL_SPREAD_MS + 1);
        } else {
            long[] range = rangeMs(input.resolution());
            // Longer videos take longer: 70 % of the position comes from the duration, 30 % is jitter.
            double byDuration = (input.duration() - 5) / 15.0;
            double position = 0.7 * byDuration + 0.3 * random.nextDouble();
            processing = range[0] + Math.round((range[1] - range[0]) * position);
            if (Mode.fromWire(input.mode()).map(Mode::usesLoras).orElse(false)) {
                processing += 10_000 + random.nextLong(10_001);
            }
        }
        return new Times(scale(pending), scale(processing));
    }

    /** A contract duration in wall-clock ms after scaling, at least 1 ms. */
    long scale(long contractMillis) {
        return Math.max(1, Math.round(contractMillis * timeScale));
    }

    double timeScale() {
        return timeScale;
    }

    private static long[] rangeMs(String resolution) {
        return switch (resolution) {
            case "480p" -> new long[] {40_000, 60_000};
            case "1080p" -> new long[] {90_000, 120_000};
            default -> new long[] {60_000, 90_000};
        };
    }
}
