package io.ltx2.connect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of the connector's own threads: Connect task threads and producer/heartbeat threads named
 * after the connectors, and the plugin's HTTP client threads. The broker, the simulator and Connect's
 * shared framework threads are left out. Threads that end inside the window lose their share (the
 * JVM forgets them), so snapshots are taken while the connectors still run.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    static boolean supported() {
        return THREADS.isThreadCpuTimeSupported();
    }

    /** Thread id to CPU ns of the live threads that the filter accepts by name. */
    static Map<Long, Long> snapshot(Predicate<String> byName) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && byName.test(info.getThreadName())) {
                long ns = THREADS.getThreadCpuTime(info.getThreadId());
                if (ns >= 0) {
                    cpu.put(info.getThreadId(), ns);
                }
            }
        }
        return cpu;
    }

    /** CPU ns spent between two snapshots (threads new in the second count from zero). */
    static long between(Map<Long, Long> before, Map<Long, Long> after) {
        long total = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    /** CPU ms between two snapshots per thread name with digits removed (so pools add up), largest first. */
    static Map<String, Double> byName(Map<Long, Long> before, Map<Long, Long> after) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            String name = info == null ? "ended" : info.getThreadName().replaceAll("[0-9]+", "N");
            out.merge(name, (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e6, Double::sum);
        }
        Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        out.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> sorted.put(e.getKey(), Stats.round(e.getValue(), 1)));
        return sorted;
    }

    /** The threads of the named connectors and of the plugin's API clients (not the simulator's). */
    static Predicate<String> connectorThreads(String... connectorNames) {
        return name -> {
            if (name.startsWith("ltx-sim")) {
                return false;
            }
            if (name.startsWith("httpclient-") || name.startsWith("ltx-")) {
                return true;
            }
            for (String c : connectorNames) {
                if (name.contains(c)) {
                    return true;
                }
            }
            return false;
        };
    }
}
