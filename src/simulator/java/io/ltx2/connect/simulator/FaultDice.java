package io.ltx2.connect.simulator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Deterministic coin flips for fault injection: the n-th roll of a stream depends only on the
 * seed, the stream and n, so a run with the same seed and the same call sequence injects the same
 * faults, whatever the thread interleaving of other streams.
 */
final class FaultDice {
    /** Independent sequences of rolls. */
    enum Stream {
        CREATE_ERROR, STATUS_ERROR, CREATE_HANG, STATUS_HANG, LOST_CREATE, CALLBACK_LOSS, CALLBACK_DUPLICATE,
        MALFORMED, MALFORMED_KIND, TASK_FAIL, TASK_FAIL_CODE
    }

    private final long seed;
    private final AtomicLong[] counters = new AtomicLong[Stream.values().length];

    FaultDice(long seed) {
        this.seed = seed;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new AtomicLong();
        }
    }

    /** True with probability {@code p}. A zero probability consumes no roll. */
    boolean roll(Stream stream, double p) {
        if (p <= 0.0) {
            return false;
        }
        double u = next(stream);
        return p >= 1.0 || u < p;
    }

    /** A uniform index in [0, bound). */
    int pick(Stream stream, int bound) {
        return (int) Math.min(bound - 1, Math.floor(next(stream) * bound));
    }

    private double next(Stream stream) {
        long n = counters[stream.ordinal()].getAndIncrement();
        long h = mix(seed ^ mix(stream.ordinal() + 0x9E3779B97F4A7C15L) ^ mix(n * 0xBF58476D1CE4E5B9L + 1));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: a cheap, well-distributed 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
