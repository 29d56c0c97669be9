package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.simulator.SimulatorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 3: one sink task, simulator limits off. (a) zero API latency: submits per second of our
 * sink; (b) 50 ms on every create: our sink and the naive blocking sink side by side, each on its own
 * simulator. Rates come from the simulator's create times (first to last accepted create).
 */
final class ThroughputBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ThroughputBenchmark.class);

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("zeroLatency", zeroLatency(kafka, cfg.throughputRequests()));
        out.put("latency50ms", withLatency(kafka, cfg.latencyRequests(), cfg.naiveWindowMs()));
        return out;
    }

    private Map<String, Object> zeroLatency(BenchKafka kafka, int n) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        try (ApiSimulator sim = unlimited(Faults.NONE)) {
            kafka.createTopics(1, "thr-requests", "thr-tracking");
            kafka.produce("thr-requests", Workload.simple("thr", 0, n));
            Map<String, String> props = kafka.sinkProps(sim, "thr-requests", "thr-tracking", 1.0, 1);
            unlimitedBudget(props);
            long start = System.currentTimeMillis();
            kafka.startConnector("thr-sink", props);
            boolean done = EventReader.await(() -> sim.stats().createsAccepted() >= n, Duration.ofSeconds(120));
            SimulatorStats s = sim.stats();
            kafka.deleteConnector("thr-sink");
            m.put("requests", n);
            m.put("allSubmitted", done);
            m.put("sinkTasks", 1);
            m.put("maxInFlight", 500);
            m.put("submitsPerSecond", Math.round(rate(s, Long.MAX_VALUE)));
            m.put("secondsFromConnectorStart", Stats.round((lastCreate(s) - start) / 1000.0, 1));
        }
        log.info("Throughput, zero latency: {}", m);
        return m;
    }

    private Map<String, Object> withLatency(BenchKafka kafka, int n, long naiveWindowMs) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        Faults latency = Faults.builder().latency(Endpoint.CREATE, 50).build();
        try (ApiSimulator ours = unlimited(latency); ApiSimulator naive = unlimited(latency)) {
            kafka.createTopics(1, "lat-requests", "lat-tracking", "lat-naive-requests");
            kafka.produce("lat-requests", Workload.simple("lat", 0, n));
            kafka.produce("lat-naive-requests", Workload.simple("lat", 0, n));
            Map<String, String> props = kafka.sinkProps(ours, "lat-requests", "lat-tracking", 1.0, 1);
            unlimitedBudget(props);
            kafka.startConnector("lat-naive", kafka.naiveProps(naive, "lat-naive-requests"));
            kafka.startConnector("lat-sink", props);
            boolean done = EventReader.await(() -> ours.stats().createsAccepted() >= n, Duration.ofSeconds(120));
            // The naive sink gets at least the same wall time as ours, and at least naiveWindowMs.
            long oursSpan = span(ours.stats());
            long window = Math.max(oursSpan, naiveWindowMs);
            EventReader.await(() -> span(naive.stats()) >= window, Duration.ofMillis(window + 10_000));
            kafka.deleteConnector("lat-naive");
            kafka.deleteConnector("lat-sink");
            double oursRate = rate(ours.stats(), Long.MAX_VALUE);
            double naiveRate = rate(naive.stats(), window);
            m.put("createLatencyMs", 50);
            m.put("requests", n);
            m.put("allSubmitted", done);
            m.put("oursSubmitsPerSecond", Math.round(oursRate));
            m.put("naiveSubmitsPerSecond", Stats.round(naiveRate, 1));
            m.put("naiveMeasuredOverSeconds", Stats.round(window / 1000.0, 1));
            m.put("ratioOursToNaive", Stats.ratio(oursRate, naiveRate, 1));
        }
        log.info("Throughput, 50 ms latency: {}", m);
        return m;
    }

    /** "Limits off" for the connector too: a budget far above the API's, accepted in validate only by the benchmark subclass. */
    private static void unlimitedBudget(Map<String, String> props) {
        props.put("ltx.api.rate.limit.per.minute", "1000000");
        props.put("ltx.quota.key.calls.per.minute", "1000000");
        props.put(TimeScaledLtxSinkConnector.TIME_SCALE, "0.001");
    }

    private static ApiSimulator unlimited(Faults faults) throws java.io.IOException {
        return ApiSimulator.builder().apiKey(BenchKafka.API_KEY).limitsEnabled(false).seed(5).faults(faults).threads(16).build().start();
    }

    /** Accepted creates per second from the first create over at most {@code windowMs}. */
    private static double rate(SimulatorStats s, long windowMs) {
        long first = s.tasks().values().stream().mapToLong(SimulatorStats.TaskStats::createTime).min().orElse(0);
        long end = windowMs == Long.MAX_VALUE ? lastCreate(s) : first + windowMs;
        long count = s.tasks().values().stream().filter(t -> t.createTime() <= end).count();
        return end <= first || count < 2 ? Double.NaN : (count - 1) * 1000.0 / (end - first);
    }

    private static long lastCreate(SimulatorStats s) {
        return s.tasks().values().stream().mapToLong(SimulatorStats.TaskStats::createTime).max().orElse(0);
    }

    private static long span(SimulatorStats s) {
        long first = s.tasks().values().stream().mapToLong(SimulatorStats.TaskStats::createTime).min().orElse(0);
        return s.tasks().isEmpty() ? 0 : System.currentTimeMillis() - first;
    }
}
