package io.ltx2.connect.simulator;

import io.ltx2.connect.api.GenerationInput;

/**
 * Benchmark-only window on the simulator's {@link GenerationTimes}: the generation time (pending plus
 * processing, API milliseconds, time scale 1) the simulator would give a successful task with this
 * input, payload hash and seed. The frontier benchmark draws from it, so its distribution is exactly
 * the one the detection benchmark's simulator uses. Lives in the simulator's package, in the bench
 * source root, so the simulator itself keeps {@code GenerationTimes} package-private.
 */
public final class GenerationTimeDraws {
    private final GenerationTimes times;

    public GenerationTimeDraws(long seed) {
        this.times = new GenerationTimes(1.0, null, seed);
    }

    /** completeTime - createTime of a successful task, API ms. */
    public long generationMs(GenerationInput input, long payloadHash) {
        GenerationTimes.Times t = times.timesFor(input, payloadHash, false);
        return t.pendingMs() + t.processingMs();
    }
}
