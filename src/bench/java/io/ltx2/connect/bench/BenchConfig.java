package io.ltx2.connect.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sizes and time scales per mode. {@code default} takes about 30 minutes on 2 cores (the backlog of a million alone 13); {@code quick}
 * is a smoke run of every scenario at toy sizes (its figures are not comparable); {@code full} uses
 * a slower time scale for saturation (closer to the real API's timing granularity). Any value can be
 * overridden with {@code --key value}.
 */
record BenchConfig(
        String mode,
        double saturationScale,
        int saturationRequests,
        int concurrencyLimit,
        int callsPerMinute,
        long saturationTimeoutMs,
        long idleMeasureMs,
        double detectionScale,
        int detectionRequests,
        long detectionTimeoutMs,
        int throughputRequests,
        int latencyRequests,
        long naiveWindowMs,
        int heapTasks,
        int cpuRequests,
        double tunedMaxIntervalSec,
        int recoveryRate,
        long recoveryWarmupMs,
        long recoveryAfterMs,
        Jmh jmh,
        List<Integer> restartHistories,
        int backlogRecords,
        double backlogScale,
        List<Integer> backlogMaxOutstanding,
        int slowSaturationRequests) {

    /** Requests sent through the CPU scenario's pipeline before it measures. */
    int cpuWarmupRequests() {
        return Math.min(1_000, Math.max(100, cpuRequests / 3));
    }

    record Jmh(int forks, int warmupIterations, int measurementIterations, long iterationMs) {
    }

    static BenchConfig of(String mode, Map<String, String> o) {
        BenchConfig base = switch (mode) {
            case "quick" -> new BenchConfig(mode, 0.1, 400, 100, 1_000, 180_000, 2_000, 0.1, 40, 120_000,
                    2_000, 500, 5_000, 5_000, 500, 0, 10, 5_000, 8_000, new Jmh(1, 1, 2, 500), List.of(2_000, 20_000), 20_000, 0.1, List.of(20_000), 300);
            case "full" -> new BenchConfig(mode, 0.5, 5_000, 1_000, 10_000, 900_000, 5_000, 0.25, 500, 300_000,
                    50_000, 5_000, 10_000, 100_000, 10_000, 0, 20, 10_000, 15_000, new Jmh(2, 3, 5, 1_000), List.of(100_000, 1_000_000, 3_000_000), 1_000_000, 0.1, List.of(20_000), 2_000);
            case "smoke" -> new BenchConfig(mode, 0.1, 0, 0, 0, 0, 0, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Jmh(0, 1, 1, 100), List.of(), 0, 0.1, List.of(), 0);
            default -> new BenchConfig("default", 0.25, 5_000, 1_000, 10_000, 600_000, 5_000, 0.25, 300, 240_000,
                    20_000, 5_000, 10_000, 100_000, 3_000, 0, 20, 10_000, 15_000, new Jmh(1, 2, 5, 1_000), List.of(100_000, 1_000_000, 3_000_000), 1_000_000, 0.1, List.of(20_000), 2_000);
        };
        return new BenchConfig(base.mode,
                dbl(o, "saturation-scale", base.saturationScale), integer(o, "requests", base.saturationRequests),
                integer(o, "concurrency-limit", base.concurrencyLimit), integer(o, "calls-per-minute", base.callsPerMinute),
                lng(o, "saturation-timeout-ms", base.saturationTimeoutMs), base.idleMeasureMs,
                dbl(o, "detection-scale", base.detectionScale), integer(o, "detection-requests", base.detectionRequests),
                base.detectionTimeoutMs, integer(o, "throughput-requests", base.throughputRequests),
                integer(o, "latency-requests", base.latencyRequests), base.naiveWindowMs, integer(o, "heap-tasks", base.heapTasks),
                integer(o, "cpu-requests", base.cpuRequests),
                dbl(o, "adaptive-max-interval-s", 0),
                base.recoveryRate, base.recoveryWarmupMs, base.recoveryAfterMs, base.jmh,
                ints(o, "restart-histories", base.restartHistories),
                integer(o, "backlog-records", base.backlogRecords), dbl(o, "backlog-scale", base.backlogScale),
                ints(o, "backlog-max-outstanding", base.backlogMaxOutstanding), integer(o, "slow-requests", base.slowSaturationRequests));
    }

    private static List<Integer> ints(Map<String, String> o, String k, List<Integer> d) {
        return o.containsKey(k) ? Arrays.stream(o.get(k).split(",")).map(String::trim).map(Integer::valueOf).toList() : d;
    }

    private static double dbl(Map<String, String> o, String k, double d) {
        return o.containsKey(k) ? Double.parseDouble(o.get(k)) : d;
    }

    private static int integer(Map<String, String> o, String k, int d) {
        return o.containsKey(k) ? Integer.parseInt(o.get(k)) : d;
    }

    private static long lng(Map<String, String> o, String k, long d) {
        return o.containsKey(k) ? Long.parseLong(o.get(k)) : d;
    }
}
