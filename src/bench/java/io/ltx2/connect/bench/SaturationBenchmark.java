package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1 (and the CPU half of scenario 4): a backlog of mixed requests through our sink and
 * source, and the same backlog through the naive blocking sink, side by side on two simulators with
 * the API's limits. Busy fraction = tasks active / concurrency limit, from the simulator's per-task
 * times; steady state runs from when the limit is first (nearly) reached to the last accepted create.
 */
final class SaturationBenchmark {
    private static final Logger log = LoggerFactory.getLogger(SaturationBenchmark.class);

    /** Series for the plot and the CSV: seconds of API time since the first create, busy fractions. */
    record Series(List<double[]> ours, List<double[]> naive) {
    }

    private Series series = new Series(List.of(), List.of());
    /** Prefix of the scenario's topics and connectors, so that it can run twice in one suite (two time scales). */
    private final String id;

    SaturationBenchmark() {
        this("sat");
    }

    SaturationBenchmark(String id) {
        this.id = id;
    }

    Series series() {
        return series;
    }

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        return run(kafka, cfg, cfg.saturationScale(), cfg.saturationRequests());
    }

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg, double scale, int n) throws Exception {
        int limit = cfg.concurrencyLimit();
        int callsPerMinute = cfg.callsPerMinute();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", n);
        out.put("timeScale", scale);
        out.put("concurrencyLimit", limit);
        out.put("callsPerApiMinute", callsPerMinute);
        try (ApiSimulator ours = simulator(scale, limit, callsPerMinute);
             ApiSimulator naive = simulator(scale, limit, callsPerMinute)) {
            kafka.createTopics(4, id + "-requests", id + "-tracking", id + "-events");
            kafka.createTopics(1, id + "-naive-requests");
            Map<String, String> sink = kafka.sinkProps(ours, id + "-requests", id + "-tracking", scale, 1); // one task, like the baseline
            // The key's concurrency cap (issue 9): the sink counts running tasks from the events, so it stays off the 429s.
            sink.put("ltx.sink.concurrency.events.topic", id + "-events");
            kafka.startConnector(id + "-sink", sink);
            kafka.startConnector(id + "-source", kafka.sourceProps(ours, id + "-tracking", id + "-events", scale, 2));
            kafka.startConnector(id + "-naive", kafka.naiveProps(naive, id + "-naive-requests"));
            var threads = ThreadCpu.connectorThreads(id + "-sink", id + "-source");

            // Idle baseline of the connector threads, then the backlog.
            Thread.sleep(2_000);
            var idleBefore = ThreadCpu.snapshot(threads);
            long idleStart = System.nanoTime();
            Thread.sleep(cfg.idleMeasureMs());
            var idleAfter = ThreadCpu.snapshot(threads);
            double idleSec = (System.nanoTime() - idleStart) / 1e9;
            double idleNsPerSec = ThreadCpu.between(idleBefore, idleAfter) / idleSec;
            Map<String, Double> idleByThread = ThreadCpu.byName(idleBefore, idleAfter);
            idleByThread.replaceAll((k, v) -> Stats.round(v / idleSec, 2));

            List<Workload.Request> requests = Workload.mixed(id, n, 42);
            try (EventReader events = new EventReader(kafka.bootstrap(), id + "-events");
                 SimSampler oursSampler = new SimSampler(ours, 250);
                 SimSampler naiveSampler = new SimSampler(naive, 250);
                 AckLatency.Sampler ack = new AckLatency.Sampler(id + "-sink", 10_000)) {
                var cpuBefore = ThreadCpu.snapshot(threads);
                var batchesBefore = ClientBatches.snapshot(id + "-sink", id + "-source");
                long start = System.nanoTime();
                kafka.produce(id + "-naive-requests", requests);
                kafka.produce(id + "-requests", requests);
                log.info("Saturation: {} requests written to each pipeline; waiting for our {} events and the naive sink's creates", n, n);
                Duration timeout = Duration.ofMillis(cfg.saturationTimeoutMs());
                boolean done = events.awaitCount(n, timeout);
                var cpuAfter = ThreadCpu.snapshot(threads);
                var batchesAfter = ClientBatches.snapshot(id + "-sink", id + "-source");
                double elapsedSec = (System.nanoTime() - start) / 1e9;
                EventReader.await(() -> naive.stats().createsAccepted() >= n, Duration.ofSeconds(done ? 30 : 1));
                SimulatorStats oursStats = ours.stats();
                SimulatorStats naiveStats = naive.stats();

                Map<String, Object> o = pipelineResult(oursStats, oursSampler, limit, scale);
                o.put("events", events.count());
                o.put("eventsRejected", events.events().stream().filter(e -> "rejected".equals(e.state())).count());
                o.put("allEventsWithinTimeout", done);
                o.put("duplicateSubmissions", oursStats.duplicateSubmissions());
                o.put("statusCallsPerTask", Stats.round(oursStats.meanStatusCallsPerTask(), 2));
                o.put("crashWindow", ack.steady().toMap());
                Map<String, Object> nv = pipelineResult(naiveStats, naiveSampler, limit, scale);
                out.put("ours", o);
                out.put("naiveBlockingSink", nv);
                out.put("busyRatioOursToNaive", Stats.ratio(num(o, "steadyBusyFraction"), num(nv, "steadyBusyFraction"), 2));
                out.put("makespanRatioNaiveToOurs", Stats.ratio(num(nv, "createSpanApiSec"), num(o, "createSpanApiSec"), 2));

                // Scenario 4, CPU: our sink and source threads over the whole run, minus their idle rate.
                long cpuNs = ThreadCpu.between(cpuBefore, cpuAfter);
                double netNs = cpuNs - idleNsPerSec * elapsedSec;
                Map<String, Object> cpu = new LinkedHashMap<>();
                cpu.put("supported", ThreadCpu.supported());
                cpu.put("requests", n);
                cpu.put("wallSeconds", Stats.round(elapsedSec, 1));
                cpu.put("connectorThreadCpuMs", Stats.round(cpuNs / 1e6, 1));
                cpu.put("idleCpuMsPerSecond", Stats.round(idleNsPerSec / 1e6, 2));
                cpu.put("cpuMicrosPerRequest", Stats.round(netNs / 1e3 / n, 1));
                cpu.put("apiCallsPerRequest", Stats.round((oursStats.createCalls() + oursStats.statusCalls()) / (double) n, 2));
                cpu.put("cpuMsByThread", ThreadCpu.byName(cpuBefore, cpuAfter));
                cpu.put("idleCpuMsPerSecondByThread", idleByThread);
                cpu.put("kafkaClientBatches", ClientBatches.between(batchesBefore, batchesAfter));
                out.put("cpu", cpu);

                series = new Series(busySeries(oursStats, oursSampler, limit, scale), busySeries(naiveStats, naiveSampler, limit, scale));
            } finally {
                kafka.deleteConnector(id + "-naive");
                kafka.deleteConnector(id + "-source");
                kafka.deleteConnector(id + "-sink");
            }
        }
        return out;
    }

    private static Map<String, Object> pipelineResult(SimulatorStats stats, SimSampler sampler, int limit, double scale) {
        Concurrency c = new Concurrency(stats.tasks().values());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasksCreated", c.tasks());
        m.put("peakConcurrent", stats.peakConcurrent());
        m.put("rateLimited429Total", stats.rateLimited());
        if (c.tasks() == 0) {
            return m;
        }
        long reach = c.firstReaching((int) Math.ceil(limit * 0.99));
        long steadyStart = reach >= 0 ? reach : c.firstCreate() + Math.round(60_000 * scale);
        long steadyEnd = c.lastCreate();
        m.put("rampApiSec", Stats.round((steadyStart - c.firstCreate()) / 1000.0 / scale, 1));
        m.put("reachedLimit", reach >= 0);
        m.put("steadyStateApiSec", Stats.round(Math.max(0, steadyEnd - steadyStart) / 1000.0 / scale, 1));
        m.put("steadyBusyFraction", Stats.round(c.average(steadyStart, steadyEnd) / limit, 4));
        m.put("steadyState429", Math.max(0, sampler.rateLimitedAt(steadyEnd) - sampler.rateLimitedAt(steadyStart)));
        m.put("createSpanApiSec", Stats.round((c.lastCreate() - c.firstCreate()) / 1000.0 / scale, 1));
        m.put("makespanApiSec", Stats.round((c.lastComplete() - c.firstCreate()) / 1000.0 / scale, 1));
        m.put("overallBusyFraction", Stats.round(c.average(c.firstCreate(), c.lastComplete()) / limit, 4));
        m.put("createCalls", stats.createCalls());
        m.put("statusCalls", stats.statusCalls());
        m.put("peakCallsInWindow", stats.peakCallsInWindow());
        return m;
    }

    private static List<double[]> busySeries(SimulatorStats stats, SimSampler sampler, int limit, double scale) {
        Concurrency c = new Concurrency(stats.tasks().values());
        List<double[]> points = new ArrayList<>();
        if (c.tasks() == 0) {
            return points;
        }
        for (SimSampler.Sample s : sampler.samples()) {
            if (s.time() >= c.firstCreate() && s.time() <= c.lastComplete() + 1000) {
                points.add(new double[] {(s.time() - c.firstCreate()) / 1000.0 / scale, c.at(s.time()) / (double) limit,
                        s.concurrent() / (double) limit, s.rateLimited()});
            }
        }
        return points;
    }

    static ApiSimulator simulator(double scale, int limit, int callsPerMinute) throws java.io.IOException {
        return ApiSimulator.builder().apiKey(BenchKafka.API_KEY).timeScale(scale).seed(7).maxConcurrentTasks(limit)
                .callsPerMinute(callsPerMinute).rateWindow(Duration.ofMillis(Math.max(100, Math.round(60_000 * scale)))).build().start();
    }

    static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number x ? x.doubleValue() : Double.NaN;
    }
}
