package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.util.Times;

import java.time.Duration;

/**
 * When to make the next status call of a task. Times are epoch ms; {@code submitTime} is the
 * sink's time of the accepted create call. Implementations are used by one task thread only.
 */
interface PollSchedule {

    /** Time of the first status call. */
    long firstPoll(GenerationInput input, long submitTime);

    /** Time of the next status call after an answer at {@code now} that was not terminal. */
    long nextPoll(GenerationInput input, long submitTime, long now);

    /** Learns from one completed task's generation time; schedules that do not learn ignore it. */
    default void observe(GenerationInput input, long generationMs) {
    }

    static PollSchedule from(LtxSourceConfig config) {
        if (config.callbackEnabled()) {
            return new Fixed(config.safetyPollInterval(), config.safetyPollInterval());
        }
        return switch (config.pollSchedule()) {
            case FIXED -> new Fixed(config.fixedInitialDelay(), config.fixedInterval());
            case ADAPTIVE -> new Adaptive(new GenerationTimeModel(config.timeScale()), config.minPollInterval(), config.maxPollInterval(),
                    config.pollTargetDelay());
        };
    }

    /** The vendor's advice: wait, then poll at a constant interval. Also the safety net of callback mode. */
    final class Fixed implements PollSchedule {
        private final long initialDelay;
        private final long interval;

        Fixed(Duration initialDelay, Duration interval) {
            this.initialDelay = initialDelay.toMillis();
            this.interval = interval.toMillis();
        }

        @Override
        public long firstPoll(GenerationInput input, long submitTime) {
            return Times.plus(submitTime, initialDelay);
        }

        @Override
        public long nextPoll(GenerationInput input, long submitTime, long now) {
            return Times.plus(now, interval);
        }
    }

    /**
     * The first call comes one target delay after the {@link #FIRST_POLL_QUANTILE} quantile of the
     * generation times expected for the task's class (resolution, duration, LoRA: the contract's
     * range, then what was learnt), so the tasks that finish before it, all but about 5 %, are seen at
     * most a target delay late; then a call every target delay while the task is within the expected
     * range; past the longest expected time the intervals grow with the lateness. All within the min
     * and max intervals. The p95 detection delay is about the target delay, and a task costs one
     * call plus one per target delay (rounded up) by which its generation outlasts the first call.
     * Against the simulator's times, once learnt, this is within a few per cent of the fewest calls
     * any schedule can make for the same p95 delay (docs/benchmarks.md, frontier scenario).
     */
    final class Adaptive implements PollSchedule {
        static final double FIRST_POLL_QUANTILE = 0.05;

        private final GenerationTimeModel model;
        private final long minInterval;
        private final long maxInterval;
        private final long targetDelay;

        Adaptive(GenerationTimeModel model, Duration minInterval, Duration maxInterval, Duration targetDelay) {
            this.model = model;
            this.minInterval = minInterval.toMillis();
            this.maxInterval = Math.max(this.minInterval, maxInterval.toMillis());
            this.targetDelay = clamp(targetDelay.toMillis());
        }

        @Override
        public long firstPoll(GenerationInput input, long submitTime) {
            long first = Times.plus(model.distribution(input).quantile(FIRST_POLL_QUANTILE), targetDelay);
            return Times.plus(submitTime, Math.max(minInterval, first));
        }

        @Override
        public long nextPoll(GenerationInput input, long submitTime, long now) {
            long lateness = now - submitTime - model.distribution(input).hi();
            return Times.plus(now, lateness < 0 ? targetDelay : clamp(Math.max(targetDelay, lateness / 2)));
        }

        @Override
        public void observe(GenerationInput input, long generationMs) {
            model.observe(input, generationMs);
        }

        GenerationTimeModel model() {
            return model;
        }

        private long clamp(long delay) {
            return Math.max(minInterval, Math.min(maxInterval, delay));
        }
    }
}
