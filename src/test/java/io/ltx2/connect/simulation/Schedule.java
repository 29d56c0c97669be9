package io.ltx2.connect.simulation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * One randomized schedule, all of it drawn from its seed: the connectors' settings, the request
 * records and when they are written, the faults of the workers (crashes, restarts, rebalances, added
 * tracking partitions, a recreated input topic) and of the API ({@link ApiPlan}). Faults happen up to
 * {@link #faultsUntilMs}; then the run heals and must settle within {@link #settleMs}.
 */
final class Schedule {
    enum Kind { VALID, INVALID, UNREADABLE }

    /** A request record written at {@code atMs} to input partition {@code partition}; the prompt names it uniquely. */
    record Request(long atMs, int partition, String prompt, String label, Kind kind) {
    }

    enum FaultKind { SINK_CRASH, SINK_RESTART, SINK_LEAVE, SOURCE_CRASH, SOURCE_RESTART, ADD_TRACKING_PARTITION, RECREATE_INPUT }

    /** A fault at {@code atMs} of worker slot {@code slot}; the slot comes back after {@code downMs}. */
    record Fault(long atMs, FaultKind kind, int slot, long downMs) {
    }

    final long seed;
    final boolean callbacks;
    final int sinkTasks;
    final int sourceTasks;
    final int inputPartitions;
    final int trackingPartitions;
    final int ambiguousRetries;
    final long shutdownMs;
    final int retryMax;
    final long resendMs;
    final long taskTimeoutMs;
    final long adoptionMs;
    final long faultsUntilMs;
    final long settleMs;
    final List<Request> requests = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();
    final ApiPlan api;

    private Schedule(long seed, Random r) {
        this.seed = seed;
        this.callbacks = r.nextBoolean();
        this.sinkTasks = 1 + r.nextInt(2);
        this.sourceTasks = 1 + r.nextInt(2);
        this.inputPartitions = 1 + r.nextInt(3);
        this.trackingPartitions = 1 + r.nextInt(3);
        this.ambiguousRetries = r.nextInt(3);
        this.shutdownMs = 200 + r.nextLong(3_000);
        this.retryMax = r.nextInt(3);
        this.resendMs = 1_000 + r.nextLong(15_000);
        this.faultsUntilMs = 20_000 + r.nextLong(100_000);
        this.api = ApiPlan.random(r, faultsUntilMs);
        this.taskTimeoutMs = api.maxGenerationMs + 60_000 + r.nextLong(60_000);
        this.adoptionMs = api.maxGenerationMs + api.callbackRetriesMs[api.callbackRetriesMs.length - 1] + 10_000;
        this.settleMs = 4 * taskTimeoutMs + 2 * adoptionMs + 10 * resendMs;
        drawRequests(r);
        drawFaults(r);
    }

    static Schedule of(long seed) {
        return new Schedule(seed, new Random(seed));
    }

    /** A schedule written out by a test (a scenario), with a clean API unless the test scripts its faults. */
    private Schedule(Script script) {
        this.seed = script.seed;
        this.callbacks = script.callbacks;
        this.sinkTasks = script.sinkTasks;
        this.sourceTasks = script.sourceTasks;
        this.inputPartitions = script.inputPartitions;
        this.trackingPartitions = script.trackingPartitions;
        this.ambiguousRetries = script.ambiguousRetries;
        this.shutdownMs = 1_000;
        this.retryMax = script.retryMax;
        this.resendMs = 5_000;
        this.faultsUntilMs = script.faultsUntilMs;
        this.api = script.api;
        this.taskTimeoutMs = api.maxGenerationMs + 90_000;
        this.adoptionMs = api.maxGenerationMs + api.callbackRetriesMs[api.callbackRetriesMs.length - 1] + 10_000;
        this.settleMs = 4 * taskTimeoutMs + 2 * adoptionMs + 10 * resendMs;
        requests.addAll(script.requests);
        faults.addAll(script.faults);
    }

    /** What a scenario sets; the rest is fixed (a clean API, quick generations, every callback delivered). */
    static final class Script {
        long seed = 1;
        boolean callbacks;
        int sinkTasks = 1;
        int sourceTasks = 1;
        int inputPartitions = 1;
        int trackingPartitions = 1;
        int ambiguousRetries = 1;
        int retryMax = 2;
        long faultsUntilMs = 30_000;
        final ApiPlan api = ApiPlan.clean();
        final List<Request> requests = new ArrayList<>();
        final List<Fault> faults = new ArrayList<>();

        Script request(long atMs, int partition, String prompt) {
            requests.add(new Request(atMs, partition, prompt, null, Kind.VALID));
            return this;
        }

        Script fault(long atMs, FaultKind kind, int slot, long downMs) {
            faults.add(new Fault(atMs, kind, slot, downMs));
            return this;
        }

        Schedule build() {
            return new Schedule(this);
        }
    }

    private void drawRequests(Random r) {
        int n = 1 + r.nextInt(20);
        String[] labels = {"alice", "bob", "carol"};
        for (int i = 0; i < n; i++) {
            int roll = r.nextInt(20);
            Kind kind = roll == 0 ? Kind.UNREADABLE : roll == 1 ? Kind.INVALID : Kind.VALID;
            String label = r.nextInt(3) == 0 ? null : labels[r.nextInt(labels.length)];
            requests.add(new Request(r.nextLong(faultsUntilMs), r.nextInt(inputPartitions), "p" + i, label, kind));
        }
        requests.sort(Comparator.comparingLong(Request::atMs));
    }

    private void drawFaults(Random r) {
        int n = r.nextInt(6);
        FaultKind[] kinds = FaultKind.values();
        for (int i = 0; i < n; i++) {
            FaultKind kind = kinds[r.nextInt(kinds.length)];
            if (kind == FaultKind.RECREATE_INPUT && r.nextInt(3) != 0) {
                continue; // rarer than the rest
            }
            int slots = kind.name().startsWith("SINK") ? sinkTasks : sourceTasks;
            faults.add(new Fault(r.nextLong(faultsUntilMs), kind, r.nextInt(slots), 500 + r.nextLong(20_000)));
        }
        faults.sort(Comparator.comparingLong(Fault::atMs));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("schedule %d: %s mode, %d sink task(s), %d source task(s), %d input / %d tracking partition(s), ambiguous "
                        + "retries %d, shutdown %d ms, retry max %d, resend %d ms, task time-out %d ms, adoption %d ms, faults until %d ms%n",
                seed, callbacks ? "callback" : "polling", sinkTasks, sourceTasks, inputPartitions, trackingPartitions, ambiguousRetries,
                shutdownMs, retryMax, resendMs, taskTimeoutMs, adoptionMs, faultsUntilMs));
        b.append("  ").append(api).append('\n');
        requests.forEach(q -> b.append("  request ").append(q).append('\n'));
        faults.forEach(f -> b.append("  fault ").append(f).append('\n'));
        return b.toString();
    }
}
