package io.ltx2.connect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * With {@code --stacks name,name}: samples the Java stacks of the threads whose names contain one
 * of the given parts every millisecond through {@link ThreadMXBean}, keeping those that look on-CPU
 * (runnable, not parked or waiting in a selector). JDK Flight Recorder samples a few threads per
 * period among all of the JVM's (the broker's and the simulator's too), so a connector thread gets
 * only a handful of samples in a run; this sampler gives hundreds, at the price of some load of its
 * own (it is a diagnostic, not part of any figure). Frames in native code (a socket write, an
 * eventfd wake-up) show as their Java method.
 */
final class StackSampler implements AutoCloseable {
    private static final Set<String> WAITING = Set.of("wait", "wait0", "epollWait", "park", "sleep", "sleep0", "parkNanos", "poll0", "accept",
            "read0", "socketRead0");

    private final Map<String, Integer> total = new HashMap<>();
    private final Map<String, Map<String, Integer>> self = new HashMap<>();
    private final Map<String, Map<String, Integer>> inclusive = new HashMap<>();
    private final List<String> names;
    private final Thread thread;
    private volatile boolean running = true;

    StackSampler(List<String> names) {
        this.names = names;
        this.thread = new Thread(this::run, "bench-stack-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        while (running) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 64)) {
                if (info != null && info.getThreadState() == Thread.State.RUNNABLE) {
                    sample(info);
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private synchronized void sample(ThreadInfo info) {
        String role = names.stream().filter(n -> info.getThreadName().contains(n)).findFirst()
                .map(n -> info.getThreadName().replaceAll("[0-9]+", "N")).orElse(null);
        StackTraceElement[] stack = info.getStackTrace();
        if (role == null || stack.length == 0 || WAITING.contains(stack[0].getMethodName()) || stack[0].getClassName().contains("EPoll")) {
            return;
        }
        total.merge(role, 1, Integer::sum);
        self.computeIfAbsent(role, k -> new HashMap<>()).merge(frame(stack[0]), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (StackTraceElement e : stack) {
            if (seen.add(frame(e))) {
                inclusive.computeIfAbsent(role, k -> new HashMap<>()).merge(frame(e), 1, Integer::sum);
            }
        }
    }

    private static String frame(StackTraceElement e) {
        String type = e.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    /** Per thread role: samples, the top frames on top of the stack and the top frames anywhere in it. */
    synchronized Map<String, Object> summary(int top) {
        Map<String, Object> out = new LinkedHashMap<>();
        total.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samples", e.getValue());
            m.put("self", JfrTop.topOf(longs(self.get(e.getKey())), top));
            m.put("inclusive", JfrTop.topOf(longs(inclusive.get(e.getKey())), top * 3));
            out.put(e.getKey(), m);
        });
        return out;
    }

    private static Map<String, Long> longs(Map<String, Integer> m) {
        Map<String, Long> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.longValue()));
        return out;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
