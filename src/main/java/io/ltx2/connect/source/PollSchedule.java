package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.config.LtxSourceConfig;

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
            case ADAPTIVE -> new Adaptive(new GenerationTimeModel(config.timeScale()), config.minPollInterval(), config.maxPollInterval());
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
            return submitTime + initialDelay;
        }

        @Override
        public long nextPoll(GenerationInput input, long submitTime, long now) {
            return now + interval;
        }
    }

    /**
     * Each call aims at the median completion time of the tasks of the same class that are still
     * unfinished at that point (so the first call lands at the median, the next ones halve what
     * is left), never closer than the minimum interval nor further than the maximum. A task
     * later than every one seen so far is polled at intervals that grow with its lateness.
     * Expected calls per task are about two, whatever the spread of generation times.
     */
    final class Adaptive implements PollSchedule {
        private final GenerationTimeModel model;
        private final long minInterval;
        private final long maxInterval;

        Adaptive(GenerationTimeModel model, Duration minInterval, Duration maxInterval) {
            this.model = model;
            this.minInterval = minInterval.toMillis();
            this.maxInterval = Math.max(this.minInterval, maxInterval.toMillis());
        }

        @Override
        public long firstPoll(GenerationInput input, long submitTime) {
            long median = model.distribution(input).conditionalMedian(0);
            return submitTime + Math.max(median, minInterval);
        }

        @Override
        public long nextPoll(GenerationInput input, long submitTime, long now) {
            GenerationTimeModel.Distribution d = model.distribution(input);
            long elapsed = now - submitTime;
            long target = d.conditionalMedian(elapsed);
            long delay = target < 0 ? (elapsed - d.hi()) / 2 : target - elapsed;
            return now + Math.max(minInterval, Math.min(maxInterval, delay));
        }

        @Override
        public void observe(GenerationInput input, long generationMs) {
            model.observe(input, generationMs);
        }

        GenerationTimeModel model() {
            return model;
        }
    }
}
