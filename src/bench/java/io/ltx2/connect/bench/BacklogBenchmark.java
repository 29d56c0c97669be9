package io.ltx2.connect.bench;

import io.ltx2.connect.LtxSourceConnector;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source after an outage: N tasks finished on the API and their SUBMITTED records waiting on
 * the tracking topic when the source connector starts, with the API's call limit (10,000 calls per
 * API minute, time-scaled) and the source given 98% of it (the client's token bucket bursts one second
 * of calls; the simulator's window at a time scale of 0.1 is 6 s, so the last 2% keep those bursts
 * inside it). The source runs in a standalone Connect worker in its own JVM with a 256 MB heap
 * ({@link ChildWorker}): it drains the backlog within that heap or fails. The backlog is drained once
 * per value of {@code ltx.source.max.outstanding} given (side by side: the old default and the new),
 * each time by a new connector over the same tracking topic and tasks. Measured: time to drain (first
 * to last event), events per second against the call ceiling, and the worker's heap over time (used
 * before and after each collection, from its GC log).
 */
final class BacklogBenchmark {
    private static final Logger log = LoggerFactory.getLogger(BacklogBenchmark.class);
    static final String MAX_HEAP = "256m";

    /** Series of the last drain, for the plot: seconds since the first event, events per second, heap used after the last collection (MB). */
    private List<double[]> series = List.of();
    /** Heap used after the last collection (MB) over seconds since the first event, per drain (max.outstanding). */
    private final Map<String, List<double[]>> heapSeries = new LinkedHashMap<>();

    List<double[]> series() {
        return series;
    }

    Map<String, List<double[]>> heapSeries() {
        return heapSeries;
    }

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        int n = cfg.backlogRecords();
        double scale = cfg.backlogScale();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", n);
        out.put("timeScale", scale);
        out.put("workerMaxHeap", MAX_HEAP);
        double ceilingPerSecond = 10_000 / 60.0 / scale;
        out.put("ceilingCallsPerSecond", Stats.round(ceilingPerSecond, 1));
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).fixedGenerationTime(Duration.ofMillis(1)).limitsEnabled(false)
                .maxConcurrentTasks(1_000).callsPerMinute(10_000).rateWindow(Duration.ofMillis(Math.round(60_000 * scale))).seed(17).threads(8)
                .build().start()) {
            kafka.createTopics(4, "backlog-tracking");
            long setup = System.nanoTime();
            HeapBenchmark.createAndTrack(kafka, sim, n, "backlog-tracking", "backlog");
            out.put("setupSeconds", Stats.round((System.nanoTime() - setup) / 1e9, 1));
            sim.setLimitsEnabled(true);
            List<Map<String, Object>> drains = new ArrayList<>();
            for (int maxOutstanding : cfg.backlogMaxOutstanding()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("maxOutstanding", maxOutstanding);
                drain(kafka, sim, n, scale, ceilingPerSecond, maxOutstanding, d);
                drains.add(d);
                log.info("Backlog drain with ltx.source.max.outstanding={}: {}", maxOutstanding, d);
            }
            out.put("drains", drains);
        }
        log.info("Backlog: {}", out);
        return out;
    }

    private void drain(BenchKafka kafka, ApiSimulator sim, int n, double scale, double ceilingPerSecond, int maxOutstanding,
                       Map<String, Object> out) throws Exception {
        String id = "backlog-" + maxOutstanding;
        Path dir = Path.of("target", "bench-logs", id + "-worker");
        kafka.createTopics(4, id + "-events");
        long callsBefore = sim.stats().statusCalls();
        long limitedBefore = sim.stats().rateLimited();
        long started = System.currentTimeMillis();
        try (EventCounter events = new EventCounter(kafka.bootstrap(), id + "-events");
             ChildWorker worker = ChildWorker.start(dir, MAX_HEAP, workerProps(kafka, dir), connectorProps(kafka, sim, scale, id, maxOutstanding))) {
            long timeoutMs = Math.round(n / ceilingPerSecond * 1_000 * 2) + 180_000;
            List<long[]> counts = new ArrayList<>();
            while (events.count() < n && worker.alive() && System.currentTimeMillis() - started < timeoutMs) {
                counts.add(new long[] {System.currentTimeMillis(), events.count()});
                Thread.sleep(1_000);
            }
            counts.add(new long[] {System.currentTimeMillis(), events.count()});
            List<ChildWorker.GcSample> gc = worker.gcSamples();
            double drainSec = (events.lastAt() - events.firstAt()) / 1e3;
            SimulatorStats stats = sim.stats();
            out.put("events", events.count());
            out.put("drained", events.count() >= n);
            out.put("workerAlive", worker.alive());
            out.put("outOfMemory", worker.ranOutOfMemory());
            out.put("workerStartToFirstEventSeconds", Stats.round((events.firstAt() - started) / 1e3, 1));
            out.put("drainSeconds", Stats.round(drainSec, 1));
            out.put("drainApiMinutes", Stats.round(drainSec / 60 / scale, 1));
            out.put("eventsPerSecond", Stats.round(events.count() / Math.max(0.001, drainSec), 1));
            long calls = stats.statusCalls() - callsBefore;
            out.put("statusCalls", calls);
            out.put("rateLimited429", stats.rateLimited() - limitedBefore);
            out.put("statusCallsPerEvent", Stats.round(calls / (double) Math.max(1, events.count()), 3));
            double callsPerSecond = calls / Math.max(0.001, drainSec);
            out.put("callsPerApiMinute", Math.round(callsPerSecond * 60 * scale));
            out.put("callsToCeiling", Stats.round(callsPerSecond / ceilingPerSecond, 3));
            heap(gc, out);
            series = series(counts, gc, events.firstAt(), started);
            heapSeries.put("max.outstanding " + maxOutstanding, series.stream().map(p -> new double[] {p[0], p[2]}).toList());
        }
    }

    private static void heap(List<ChildWorker.GcSample> gc, Map<String, Object> out) {
        out.put("collections", gc.size());
        out.put("heapPeakUsedMb", gc.stream().mapToLong(ChildWorker.GcSample::beforeMb).max().orElse(-1));
        out.put("heapPeakAfterGcMb", gc.stream().mapToLong(ChildWorker.GcSample::afterMb).max().orElse(-1));
        out.put("heapPeakAfterFullGcMb", gc.stream().filter(g -> g.kind().startsWith("Pause Full")).mapToLong(ChildWorker.GcSample::afterMb)
                .max().orElse(-1));
        out.put("heapCommittedMaxMb", gc.stream().mapToLong(ChildWorker.GcSample::committedMb).max().orElse(-1));
    }

    /** Per second since the first event: events per second in that second, and the heap used after the last collection before it. */
    private static List<double[]> series(List<long[]> counts, List<ChildWorker.GcSample> gc, long firstEvent, long workerStarted) {
        List<double[]> out = new ArrayList<>();
        if (firstEvent < 0) {
            return out;
        }
        for (int i = 1; i < counts.size(); i++) {
            long t = counts.get(i)[0];
            double rate = (counts.get(i)[1] - counts.get(i - 1)[1]) / Math.max(0.001, (t - counts.get(i - 1)[0]) / 1e3);
            double heap = Double.NaN;
            for (ChildWorker.GcSample g : gc) {
                if (workerStarted + g.seconds() * 1_000 <= t) {
                    heap = g.afterMb();
                }
            }
            if (t >= firstEvent) {
                out.add(new double[] {(t - firstEvent) / 1e3, rate, heap});
            }
        }
        return out;
    }

    private static Map<String, String> workerProps(BenchKafka kafka, Path dir) {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", kafka.bootstrap());
        w.put("key.converter", StringConverter.class.getName());
        w.put("value.converter", JsonConverter.class.getName());
        w.put("value.converter.schemas.enable", "false");
        w.put("offset.storage.file.filename", dir.resolve("offsets").toAbsolutePath().toString());
        w.put("offset.flush.interval.ms", "10000");
        w.put("plugin.discovery", "service_load");
        w.put("listeners", "http://127.0.0.1:0");
        return w;
    }

    private static Map<String, String> connectorProps(BenchKafka kafka, ApiSimulator sim, double scale, String id, int maxOutstanding) {
        Map<String, String> c = kafka.sourceProps(sim, "backlog-tracking", id + "-events", scale, 1);
        c.put("name", id + "-source");
        c.put("connector.class", LtxSourceConnector.class.getName());
        // 98% of the key's call budget (the ceiling, time-scaled): see the class comment.
        c.put("ltx.quota.key.calls.per.minute", String.valueOf(Math.round(10_000 / scale)));
        c.put("ltx.api.rate.limit.per.minute", String.valueOf(Math.round(9_800 / scale)));
        c.put("ltx.source.max.outstanding", String.valueOf(maxOutstanding));
        return c;
    }
}
