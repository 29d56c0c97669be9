package io.ltx2.connect.bench;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The crash window as the sink's own metrics see it: the windowed percentiles of
 * {@code submit-ack-latency-ms} (API answer to SUBMITTED acknowledged) and {@code intent-ack-latency-ms}
 * (INTENT written before a create), read over JMX from the in-process worker. Sampled while a run is
 * in its steady state, so the 60 s window holds that state only.
 */
record AckLatency(double submitP50, double submitP99, double submitMax, double intentP50, double intentP99, long creates) {

    static final AckLatency NONE = new AckLatency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

    /** The sink tasks of {@code connector}, the worst task's figures (one task in the benchmarks that use it). */
    static AckLatency sample(String connector) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            List<AckLatency> tasks = new ArrayList<>();
            for (ObjectName name : server.queryNames(new ObjectName("io.ltx2.connect:type=sink-task-metrics,*"), null)) {
                if (name.getKeyProperty("connector").replace("\"", "").equals(connector)) {
                    tasks.add(new AckLatency(number(server, name, "submit-ack-latency-ms-p50"), number(server, name, "submit-ack-latency-ms-p99"),
                            number(server, name, "submit-ack-latency-ms-max"), number(server, name, "intent-ack-latency-ms-p50"),
                            number(server, name, "intent-ack-latency-ms-p99"), (long) number(server, name, "submit-ack-latency-ms-count")));
                }
            }
            return tasks.stream().reduce(AckLatency::worst).orElse(NONE);
        } catch (Exception e) {
            return NONE;
        }
    }

    private static double number(MBeanServer server, ObjectName name, String attribute) throws Exception {
        return ((Number) server.getAttribute(name, attribute)).doubleValue();
    }

    private static AckLatency worst(AckLatency a, AckLatency b) {
        return new AckLatency(max(a.submitP50, b.submitP50), max(a.submitP99, b.submitP99), max(a.submitMax, b.submitMax),
                max(a.intentP50, b.intentP50), max(a.intentP99, b.intentP99), a.creates + b.creates);
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * Samples {@code connector}'s figures every {@code periodMs} while a run goes on; {@link #steady()}
     * gives the median of the p50s and the largest p99 and max among the samples that saw creates.
     */
    static final class Sampler implements AutoCloseable {
        private final List<AckLatency> samples = Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ack-sampler");
            t.setDaemon(true);
            return t;
        });

        Sampler(String connector, long periodMs) {
            timer.scheduleAtFixedRate(() -> samples.add(sample(connector)), periodMs, periodMs, TimeUnit.MILLISECONDS);
        }

        AckLatency steady() {
            List<AckLatency> seen;
            synchronized (samples) {
                seen = samples.stream().filter(a -> !Double.isNaN(a.submitP50)).toList();
            }
            if (seen.isEmpty()) {
                return NONE;
            }
            return new AckLatency(Stats.percentile(seen.stream().mapToDouble(AckLatency::submitP50).toArray(), 50),
                    seen.stream().mapToDouble(AckLatency::submitP99).max().orElse(Double.NaN),
                    seen.stream().mapToDouble(AckLatency::submitMax).max().orElse(Double.NaN),
                    Stats.percentile(seen.stream().mapToDouble(AckLatency::intentP50).toArray(), 50),
                    seen.stream().mapToDouble(AckLatency::intentP99).max().orElse(Double.NaN),
                    seen.get(seen.size() - 1).creates);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** For the results: ms, rounded to 0.1. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("submitAckP50Ms", Stats.round(submitP50, 1));
        m.put("submitAckP99Ms", Stats.round(submitP99, 1));
        m.put("submitAckMaxMs", Stats.round(submitMax, 1));
        m.put("intentAckP50Ms", Stats.round(intentP50, 1));
        m.put("intentAckP99Ms", Stats.round(intentP99, 1));
        m.put("createsAcknowledged", creates);
        return m;
    }
}
