package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenario 2: the same workload through four pipelines at once, each on its own simulator with the
 * same seed (so the same generation times): the adaptive schedule, the vendor's advice (wait 60 s,
 * then every 5 s), callback mode, and the adaptive schedule once more after a warm-up backlog three
 * times as large (so it has learnt, as a source task that has been running for a while).
 * Delay = event detectTime - the simulator's completion time, divided by the time scale (API
 * seconds). Figures are over the measured requests only, also per resolution.
 */
final class DetectionBenchmark {
    private static final Logger log = LoggerFactory.getLogger(DetectionBenchmark.class);
    private static final String TOKEN = "bench-callback-token-3f9a1c77";
    static final String WARM = "adaptive-warm";

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        double scale = cfg.detectionScale();
        int n = cfg.detectionRequests();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", n);
        out.put("timeScale", scale);
        List<Workload.Request> requests = Workload.mixed("det", n, 99);
        // Optional fourth pipeline: the adaptive schedule with a smaller ltx.poll.max.interval.ms (API seconds).
        String[] names = cfg.tunedMaxIntervalSec() > 0 ? new String[] {"adaptive", "fixed", "callback", WARM, "adaptive-tuned"}
                : new String[] {"adaptive", "fixed", "callback", WARM};
        List<ApiSimulator> sims = new ArrayList<>();
        List<EventReader> readers = new ArrayList<>();
        List<String> connectors = new ArrayList<>();
        try {
            for (String name : names) {
                ApiSimulator sim = SaturationBenchmark.simulator(scale, 1_000, 10_000);
                sims.add(sim);
                String prefix = "det-" + name;
                kafka.createTopics(2, prefix + "-requests", prefix + "-tracking", prefix + "-events");
                Map<String, String> sink = kafka.sinkProps(sim, prefix + "-requests", prefix + "-tracking", scale, 1);
                Map<String, String> source = kafka.sourceProps(sim, prefix + "-tracking", prefix + "-events", scale, 1);
                switch (name) {
                    case "fixed" -> source.put("ltx.poll.schedule", "fixed");
                    case "callback" -> {
                        int port = freePort();
                        source.put("ltx.callback.enabled", "true");
                        source.put("ltx.callback.listener.port", String.valueOf(port));
                        source.put("ltx.callback.token", TOKEN);
                        sink.put("ltx.request.type", "callback");
                        sink.put("ltx.callback.url", "http://127.0.0.1:" + port + "/callback/" + TOKEN);
                    }
                    case "adaptive-tuned" -> source.put("ltx.poll.max.interval.ms",
                            String.valueOf(Math.max(1, Math.round(cfg.tunedMaxIntervalSec() * 1000 * scale))));
                    default -> source.put("ltx.poll.schedule", "adaptive");
                }
                kafka.startConnector(prefix + "-source", source);
                connectors.add(prefix + "-source");
                kafka.startConnector(prefix + "-sink", sink);
                connectors.add(prefix + "-sink");
                readers.add(new EventReader(kafka.bootstrap(), prefix + "-events"));
            }
            int warmup = 3 * n;
            int warm = List.of(names).indexOf(WARM);
            kafka.produce("det-" + WARM + "-requests", Workload.mixed("detw", warmup, 98));
            log.info("Detection: {} warm-up requests written to the {} pipeline", warmup, WARM);
            readers.get(warm).awaitCount(warmup, Duration.ofMillis(cfg.detectionTimeoutMs()));
            out.put("warmupRequests", warmup);
            for (String name : names) {
                kafka.produce("det-" + name + "-requests", requests);
            }
            log.info("Detection: {} requests written to each of {} pipelines", n, names.length);
            for (int i = 0; i < names.length; i++) {
                readers.get(i).awaitCount(i == warm ? warmup + n : n, Duration.ofMillis(cfg.detectionTimeoutMs()));
            }
            for (int i = 0; i < names.length; i++) {
                List<EventReader.Event> measured = readers.get(i).events().stream().filter(e -> e.requestId() != null && e.requestId().startsWith("det-"))
                        .toList();
                out.put(names[i], pipelineResult(sims.get(i).stats(), measured, scale, n));
            }
            Map<String, Object> adaptive = cast(out.get("adaptive"));
            Map<String, Object> fixed = cast(out.get("fixed"));
            out.put("callsPerTaskRatioAdaptiveToFixed", Stats.ratio(SaturationBenchmark.num(adaptive, "statusCallsPerTask"),
                    SaturationBenchmark.num(fixed, "statusCallsPerTask"), 2));
            out.put("p95DelayRatioAdaptiveToFixed", Stats.ratio(delayP95(adaptive), delayP95(fixed), 2));
            if (out.get("adaptive-tuned") != null) {
                out.put("tunedMaxIntervalApiSec", cfg.tunedMaxIntervalSec());
            }
        } finally {
            readers.forEach(EventReader::close);
            connectors.forEach(kafka::deleteConnector);
            sims.forEach(ApiSimulator::close);
        }
        return out;
    }

    private static Map<String, Object> pipelineResult(SimulatorStats stats, List<EventReader.Event> events, double scale, int n) {
        List<double[]> rows = new ArrayList<>(); // delay (API s), wall ms, status calls
        Map<String, List<double[]>> byResolution = new TreeMap<>();
        List<Double> firstCall = new ArrayList<>();
        List<Double> laterCalls = new ArrayList<>();
        int unmatched = 0;
        for (EventReader.Event e : events) {
            SimulatorStats.TaskStats t = e.taskId() == null ? null : stats.tasks().get(e.taskId());
            if (t == null) {
                unmatched++;
                continue;
            }
            double[] row = {(e.detectTime() - t.completeTime()) / 1000.0 / scale, e.detectTime() - t.completeTime(), t.statusCalls()};
            rows.add(row);
            byResolution.computeIfAbsent(t.input().resolution(), r -> new ArrayList<>()).add(row);
            (t.statusCalls() <= 1 ? firstCall : laterCalls).add(row[0]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", events.size());
        m.put("eventsWithoutTask", unmatched);
        m.put("tasksCreated", stats.tasksCreated());
        m.putAll(figures(rows));
        m.put("rateLimited429", stats.rateLimited());
        m.put("callbacksDelivered", stats.callbacksDelivered());
        // The same delays unscaled: Kafka and HTTP overheads are wall-clock and would not shrink with the API's times.
        m.put("detectionDelayWallMs", Stats.summary(rows.stream().mapToDouble(r -> r[1]).toArray(), 0));
        // Where the delay comes from: tasks resolved by their first status call versus by a later one.
        m.put("delayApiSecResolvedByFirstCall", Stats.summary(Stats.toArray(firstCall), 2));
        m.put("delayApiSecResolvedByLaterCall", Stats.summary(Stats.toArray(laterCalls), 2));
        Map<String, Object> perResolution = new LinkedHashMap<>();
        byResolution.forEach((r, list) -> perResolution.put(r, figures(list)));
        m.put("byResolution", perResolution);
        m.put("allEvents", events.size() >= n);
        return m;
    }

    /** Status calls per measured task (mean, max) and the detection delay in API seconds. */
    private static Map<String, Object> figures(List<double[]> rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", rows.size());
        m.put("statusCallsPerTask", Stats.round(rows.stream().mapToDouble(r -> r[2]).average().orElse(Double.NaN), 3));
        m.put("maxStatusCallsPerTask", (long) rows.stream().mapToDouble(r -> r[2]).max().orElse(0));
        m.put("detectionDelayApiSec", Stats.summary(rows.stream().mapToDouble(r -> r[0]).toArray(), 2));
        return m;
    }

    private static double delayP95(Map<String, Object> pipeline) {
        return SaturationBenchmark.num(cast(pipeline.get("detectionDelayApiSec")), "p95");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
