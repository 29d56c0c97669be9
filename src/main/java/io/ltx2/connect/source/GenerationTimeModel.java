package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Mode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a generation takes, per class of task: resolution, duration (each whole second 5-20 s)
 * and LoRA or not. What is used, first that applies:
 * <ol>
 *   <li>the class's own last {@link #WINDOW} completions, once it has that many;</li>
 *   <li>its family's (same resolution and LoRA, any duration) last {@link #FAMILY_WINDOW}
 *       completions, once there are {@link #MIN_SAMPLES} and they span the task's duration, each
 *       moved to that duration along the family's least-squares line of generation time over
 *       duration ({@link DurationLine}): a class is predicted from its neighbours long before it
 *       has enough samples of its own, and never extrapolated beyond the durations seen;</li>
 *   <li>the contract's range (480p 40-60 s, 720p 60-90 s, 1080p 90-120 s, LoRA +10-20 s; longer
 *       videos assumed proportionally a little slower) times the time scale, taken as uniform.</li>
 * </ol>
 * Learnt times are real milliseconds, so not scaled. The exact class matters: pooling durations
 * without the line widens the spread the schedule has to cover; the class's own window, once
 * full, does not depend on the line being straight.
 */
final class GenerationTimeModel {
    static final int MIN_SAMPLES = 3;
    static final int WINDOW = 64;
    /** Samples of its own a class needs before they replace the family's line: a full window. */
    static final int CLASS_SAMPLES = WINDOW;
    static final int FAMILY_WINDOW = 256;

    /** A class of task (duration clamped to 5-20 s). */
    record Key(String resolution, int duration, boolean lora) {
    }

    /** Resolution and LoRA: classes that differ by duration only. */
    private record Family(String resolution, boolean lora) {
    }

    /** A distribution of generation times in ms: a sorted sample plus an offset, or uniform on [lo, hi]. */
    static final class Distribution {
        private final long[] sorted;
        private final long offset;
        private final long lo;
        private final long hi;

        private Distribution(long[] sorted, long offset, long lo, long hi) {
            this.sorted = sorted;
            this.offset = offset;
            this.lo = lo;
            this.hi = hi;
        }

        static Distribution uniform(long lo, long hi) {
            return new Distribution(null, 0, lo, Math.max(lo, hi));
        }

        static Distribution empirical(long[] samples) {
            long[] s = samples.clone();
            Arrays.sort(s);
            return shifted(s, 0);
        }

        /** {@code sorted} (not copied, sorted ascending) plus {@code offset}. */
        private static Distribution shifted(long[] sorted, long offset) {
            return new Distribution(sorted, offset, sorted[0] + offset, sorted[sorted.length - 1] + offset);
        }

        boolean learnt() {
            return sorted != null;
        }

        long lo() {
            return lo;
        }

        long hi() {
            return hi;
        }

        /** The generation time below which a fraction {@code q} (0..1) of the tasks finish. */
        long quantile(double q) {
            if (sorted == null) {
                return lo + Math.round(q * (hi - lo));
            }
            return sorted[(int) Math.floor(q * (sorted.length - 1))] + offset;
        }
    }

    /** The last completions of a class: generation times. */
    private static final class Window {
        private final long[] samples = new long[WINDOW];
        private int count;

        void add(long ms) {
            samples[count % WINDOW] = ms;
            count++;
        }

        Distribution distribution() {
            return Distribution.empirical(Arrays.copyOf(samples, Math.min(count, WINDOW)));
        }
    }

    private final double timeScale;
    private final Map<Key, Window> classes = new HashMap<>();
    private final Map<Family, DurationLine> families = new HashMap<>();

    GenerationTimeModel(double timeScale) {
        this.timeScale = timeScale;
    }

    static Key keyOf(GenerationInput input) {
        String resolution = input == null || input.resolution() == null ? "720p" : input.resolution();
        int duration = input == null || input.duration() == null ? 10 : input.duration();
        boolean lora = input != null && ((input.loras() != null && !input.loras().isEmpty())
                || Mode.fromWire(input.mode()).map(Mode::usesLoras).orElse(false));
        return new Key(resolution, Math.max(5, Math.min(20, duration)), lora);
    }

    Distribution distribution(GenerationInput input) {
        Key key = keyOf(input);
        Window own = classes.get(key);
        if (own != null && own.count >= CLASS_SAMPLES) {
            return own.distribution();
        }
        DurationLine family = families.get(new Family(key.resolution(), key.lora()));
        if (family != null && family.count() >= MIN_SAMPLES && family.covers(key.duration())) {
            return Distribution.shifted(family.residuals(), family.at(key.duration()));
        }
        return prior(input);
    }

    Distribution prior(GenerationInput input) {
        Key key = keyOf(input);
        long lo;
        long hi;
        switch (key.resolution()) {
            case "480p" -> { lo = 40_000; hi = 60_000; }
            case "1080p" -> { lo = 90_000; hi = 120_000; }
            default -> { lo = 60_000; hi = 90_000; }
        }
        if (key.lora()) {
            lo += 10_000;
            hi += 20_000;
        }
        double factor = (0.75 + 0.025 * key.duration()) * timeScale;
        return Distribution.uniform(Math.round(lo * factor), Math.round(hi * factor));
    }

    /** Records one observed generation time (ms) of a task with this input. */
    void observe(GenerationInput input, long generationMs) {
        if (generationMs <= 0) {
            return;
        }
        Key key = keyOf(input);
        classes.computeIfAbsent(key, k -> new Window()).add(generationMs);
        families.computeIfAbsent(new Family(key.resolution(), key.lora()), f -> new DurationLine(FAMILY_WINDOW))
                .add(key.duration(), generationMs);
    }
}
