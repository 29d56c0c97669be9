package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.SimulatorStats;

import java.util.Collection;

/** Tasks pending or processing over time, computed exactly from the simulator's per-task create and completion times. */
final class Concurrency {
    private final long[] creates;
    private final long[] completes;

    Concurrency(Collection<SimulatorStats.TaskStats> tasks) {
        creates = tasks.stream().mapToLong(SimulatorStats.TaskStats::createTime).sorted().toArray();
        completes = tasks.stream().mapToLong(SimulatorStats.TaskStats::completeTime).sorted().toArray();
    }

    int tasks() {
        return creates.length;
    }

    long firstCreate() {
        return creates.length == 0 ? 0 : creates[0];
    }

    long lastCreate() {
        return creates.length == 0 ? 0 : creates[creates.length - 1];
    }

    long lastComplete() {
        return completes.length == 0 ? 0 : completes[completes.length - 1];
    }

    /** Tasks active at time t: created at or before t and not complete. */
    int at(long t) {
        return countAtOrBefore(creates, t) - countAtOrBefore(completes, t);
    }

    /** First time at which at least {@code level} tasks were active, or -1. */
    long firstReaching(int level) {
        for (long t : creates) {
            if (at(t) >= level) {
                return t;
            }
        }
        return -1;
    }

    /** Time-average of the active tasks over [from, to). */
    double average(long from, long to) {
        if (to <= from) {
            return Double.NaN;
        }
        int i = countAtOrBefore(creates, from);
        int j = countAtOrBefore(completes, from);
        long level = i - j;
        long t = from;
        double area = 0;
        while (true) {
            long nextCreate = i < creates.length ? creates[i] : Long.MAX_VALUE;
            long nextComplete = j < completes.length ? completes[j] : Long.MAX_VALUE;
            long next = Math.min(nextCreate, nextComplete);
            if (next >= to) {
                break;
            }
            area += level * (double) (next - t);
            t = next;
            if (nextCreate <= nextComplete) {
                level++;
                i++;
            } else {
                level--;
                j++;
            }
        }
        area += level * (double) (to - t);
        return area / (to - from);
    }

    private static int countAtOrBefore(long[] sorted, long t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
