package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 4, CPU: requests through our sink and source alone, below every limit (no 429s), with a
 * fixed 2 s generation time and the default adaptive schedule. CPU = the connector threads' CPU time
 * (see {@link ThreadCpu}) from the first measured request to the last event (after a warm-up batch), minus their idle rate, per request.
 * The saturation scenario reports the same figure under its 429 storm.
 */
final class CpuBenchmark {
    private static final Logger log = LoggerFactory.getLogger(CpuBenchmark.class);
    private static final long GENERATION_MS = 2_000;
    private static final int AT_REST_REQUESTS = 650;
    /** Prefix of the scenario's topics and connectors, so that it can also run as the suite's JIT warm-up. */
    private final String id;
    /** Whether to sample the crash window at rest first (the measured run; the warm-up has no use for it). */
    private final boolean atRest;

    CpuBenchmark() {
        this("cpu", true);
    }

    CpuBenchmark(String id, boolean atRest) {
        this.id = id;
        this.atRest = atRest;
    }

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        int n = cfg.cpuRequests();
        // The adaptive schedule's prior for 480p/5 s is about 40-60 s of API time: a scale that maps it near 2 s.
        double scale = GENERATION_MS / 50_000.0;
        Map<String, Object> m = new LinkedHashMap<>();
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).fixedGenerationTime(Duration.ofMillis(GENERATION_MS))
                .maxConcurrentTasks(100_000).callsPerMinute(1_000_000).seed(13).build().start()) {
            kafka.createTopics(2, id + "-requests", id + "-tracking", id + "-events");
            kafka.startConnector(id + "-source", kafka.sourceProps(sim, id + "-tracking", id + "-events", scale, 1));
            kafka.startConnector(id + "-sink", kafka.sinkProps(sim, id + "-requests", id + "-tracking", scale, 1));
            var threads = ThreadCpu.connectorThreads(id + "-sink", id + "-source");
            Thread.sleep(2_000);
            var idleBefore = ThreadCpu.snapshot(threads);
            long idleStart = System.nanoTime();
            Thread.sleep(cfg.idleMeasureMs());
            double idleNsPerSec = ThreadCpu.between(idleBefore, ThreadCpu.snapshot(threads)) / ((System.nanoTime() - idleStart) / 1e9);
            try (EventReader events = new EventReader(kafka.bootstrap(), id + "-events")) {
                // Warm-up batch (JIT, connections, producer buffers), not measured.
                int warm = cfg.cpuWarmupRequests();
                kafka.produce(id + "-requests", Workload.simple(id + "-warm", 0, warm));
                events.awaitCount(warm, Duration.ofSeconds(120));
                if (atRest) {
                    m.put("crashWindowAtRest", crashWindowAtRest(kafka, events, warm).toMap());
                    warm += AT_REST_REQUESTS;
                }
                var before = ThreadCpu.snapshot(threads);
                long start = System.nanoTime();
                kafka.produce(id + "-requests", Workload.simple(id, 0, n));
                boolean done = events.awaitCount(warm + n, Duration.ofSeconds(300));
                var after = ThreadCpu.snapshot(threads);
                double elapsed = (System.nanoTime() - start) / 1e9;
                SimulatorStats s = sim.stats();
                long cpuNs = ThreadCpu.between(before, after);
                m.put("requests", n);
                m.put("allEvents", done);
                m.put("wallSeconds", Stats.round(elapsed, 1));
                m.put("rateLimited429", s.rateLimited());
                m.put("apiCallsPerRequest", Stats.round((s.createCalls() + s.statusCalls()) / (double) (n + warm), 2));
                m.put("connectorThreadCpuMs", Stats.round(cpuNs / 1e6, 1));
                m.put("idleCpuMsPerSecond", Stats.round(idleNsPerSec / 1e6, 2));
                m.put("cpuMicrosPerRequest", Stats.round((cpuNs - idleNsPerSec * elapsed) / 1e3 / n, 1));
                m.put("warmupRequests", warm);
                m.put("cpuMsByThread", ThreadCpu.byName(before, after));
            } finally {
                kafka.deleteConnector(id + "-sink");
                kafka.deleteConnector(id + "-source");
            }
        }
        log.info("CPU: {}", m);
        return m;
    }

    /**
     * The crash window at rest: 10 requests a second, each create alone on the wire, for longer than the
     * metrics' 60 s window, so the sample holds these creates only, not the warm-up burst.
     */
    private AckLatency crashWindowAtRest(BenchKafka kafka, EventReader events, int eventsBefore) throws InterruptedException {
        for (int i = 0; i < AT_REST_REQUESTS; i++) {
            kafka.produce(id + "-requests", Workload.simple(id + "-rest", i, 1));
            Thread.sleep(100);
        }
        events.awaitCount(eventsBefore + AT_REST_REQUESTS, Duration.ofSeconds(120));
        return AckLatency.sample(id + "-sink");
    }
}
