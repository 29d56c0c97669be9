package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Samples a simulator's counters (current concurrency, 429s, calls) at a fixed wall-clock period. */
final class SimSampler implements AutoCloseable {
    record Sample(long time, long concurrent, long rateLimited, long creates, long statusCalls) {
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    SimSampler(ApiSimulator sim, long periodMs) {
        thread = new Thread(() -> {
            while (running) {
                SimulatorStats s = sim.stats();
                samples.add(new Sample(System.currentTimeMillis(), s.currentConcurrent(), s.rateLimited(), s.createsAccepted(), s.statusCalls()));
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The 429 count at time t (from the last sample at or before it). */
    long rateLimitedAt(long t) {
        long v = 0;
        for (Sample s : samples) {
            if (s.time() <= t) {
                v = s.rateLimited();
            }
        }
        return v;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
