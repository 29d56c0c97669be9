package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Mode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a generation takes, per (resolution, duration bucket, LoRA or not). Before anything is
 * learnt for a class it is the contract's range (480p 40-60 s, 720p 60-90 s, 1080p 90-120 s, LoRA
 * +10-20 s; longer videos assumed proportionally a little slower) times the time scale, taken as
 * uniform. Once {@link #MIN_SAMPLES} completions of a class were observed, it is the empirical
 * distribution of the last {@link #WINDOW} of them (real milliseconds, so not scaled).
 */
final class GenerationTimeModel {
    static final int MIN_SAMPLES = 3;
    static final int WINDOW = 64;

    record Key(String resolution, int durationBucket, boolean lora) {
    }

    /** A distribution of generation times in ms: a sorted sample, or uniform on [lo, hi]. */
    static final class Distribution {
        private final long[] sorted;
        private final long lo;
        private final long hi;

        private Distribution(long[] sorted, long lo, long hi) {
            this.sorted = sorted;
            this.lo = lo;
            this.hi = hi;
        }

        static Distribution uniform(long lo, long hi) {
            return new Distribution(null, lo, Math.max(lo, hi));
        }

        static Distribution empirical(long[] samples) {
            long[] s = samples.clone();
            Arrays.sort(s);
            return new Distribution(s, s[0], s[s.length - 1]);
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
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }
    }

    private final double timeScale;
    private final Map<Key, long[]> windows = new HashMap<>();
    private final Map<Key, Integer> counts = new HashMap<>();

    GenerationTimeModel(double timeScale) {
        this.timeScale = timeScale;
    }

    static Key keyOf(GenerationInput input) {
        String resolution = input == null || input.resolution() == null ? "720p" : input.resolution();
        int duration = input == null || input.duration() == null ? 10 : input.duration();
        boolean lora = input != null && ((input.loras() != null && !input.loras().isEmpty())
                || Mode.fromWire(input.mode()).map(Mode::usesLoras).orElse(false));
        return new Key(resolution, Math.max(0, Math.min(3, (duration - 5) / 4)), lora);
    }

    Distribution distribution(GenerationInput input) {
        Key key = keyOf(input);
        int n = counts.getOrDefault(key, 0);
        if (n >= MIN_SAMPLES) {
            return Distribution.empirical(Arrays.copyOf(windows.get(key), Math.min(n, WINDOW)));
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
        int duration = input == null || input.duration() == null ? 10 : Math.max(5, Math.min(20, input.duration()));
        double factor = (0.75 + 0.025 * duration) * timeScale;
        return Distribution.uniform(Math.round(lo * factor), Math.round(hi * factor));
    }

    /** Records one observed generation time (ms) of a task with this input. */
    void observe(GenerationInput input, long generationMs) {
        if (generationMs <= 0) {
            return;
        }
        Key key = keyOf(input);
        long[] window = windows.computeIfAbsent(key, k -> new long[WINDOW]);
        int n = counts.merge(key, 1, Integer::sum);
        window[(n - 1) % WINDOW] = generationMs;
    }
}
