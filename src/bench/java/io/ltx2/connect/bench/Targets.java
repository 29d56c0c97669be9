package io.ltx2.connect.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.ltx2.connect.bench.DetectionBenchmark.cast;
import static io.ltx2.connect.bench.SaturationBenchmark.num;

/** The targets checked against one run's results: name, target, measured value, met or not. */
final class Targets {
    record Check(String name, String target, String measured, Boolean met) {
    }

    private Targets() {
    }

    static List<Check> evaluate(Map<String, Object> results) {
        List<Check> checks = new ArrayList<>();
        Map<String, Object> sat = section(results, "saturation");
        if (sat != null && sat.get("ours") != null) {
            Map<String, Object> o = cast(sat.get("ours"));
            double busy = num(o, "steadyBusyFraction");
            checks.add(new Check("saturation: busy fraction in steady state", ">= 0.95", fmt(busy), busy >= 0.95));
            double s429 = num(o, "steadyState429");
            checks.add(new Check("saturation: 429s in steady state", "0", fmt(s429), s429 == 0));
            double rejected = num(o, "eventsRejected");
            checks.add(new Check("saturation: valid requests given up after retries (rejected, SUBMIT_FAILED)", "0 (design: backpressure, not rejection)",
                    fmt(rejected), rejected == 0));
        }
        Map<String, Object> det = section(results, "detection");
        if (det != null && det.get("adaptive") != null) {
            Map<String, Object> a = cast(det.get("adaptive"));
            Map<String, Object> f = cast(det.get("fixed"));
            Map<String, Object> c = cast(det.get("callback"));
            double ac = num(a, "statusCallsPerTask");
            double fc = num(f, "statusCallsPerTask");
            checks.add(new Check("detection: adaptive status calls per task <= vendor advice", "<= " + fmt(fc), fmt(ac), ac <= fc));
            double ap = num(cast(a.get("detectionDelayApiSec")), "p95");
            double fp = num(cast(f.get("detectionDelayApiSec")), "p95");
            checks.add(new Check("detection: adaptive p95 delay <= half the vendor advice's (API s)", "<= " + fmt(fp / 2), fmt(ap), ap <= fp / 2));
            double cc = num(c, "statusCallsPerTask");
            checks.add(new Check("detection: callback status calls per task", "<= 1.05", fmt(cc), cc <= 1.05));
            double cp = num(cast(c.get("detectionDelayApiSec")), "p95");
            checks.add(new Check("detection: callback p95 delay incl. the confirming call (API s)", "< 0.5 + confirming call", fmt(cp), cp < 0.5));
        }
        FrontierBenchmark.checks(results, checks);
        Map<String, Object> thr = section(results, "throughput");
        if (thr != null && thr.get("zeroLatency") != null) {
            double z = num(cast(thr.get("zeroLatency")), "submitsPerSecond");
            checks.add(new Check("throughput: submits/s, zero latency, one task", ">= 5000", fmt(z), z >= 5000));
            double r = num(cast(thr.get("latency50ms")), "ratioOursToNaive");
            checks.add(new Check("throughput: ours / blocking baseline at 50 ms", ">= 10", fmt(r), r >= 10));
        }
        Map<String, Object> cpuRun = section(results, "cpu");
        if (cpuRun != null && cpuRun.get("cpuMicrosPerRequest") != null) {
            double cpu = num(cpuRun, "cpuMicrosPerRequest");
            checks.add(new Check("cost: connector CPU per request (sink + source, µs), below the limits", "<= 200", fmt(cpu), cpu <= 200));
        }
        if (sat != null && sat.get("cpu") != null) {
            double cpu = num(cast(sat.get("cpu")), "cpuMicrosPerRequest");
            checks.add(new Check("cost: connector CPU per request (sink + source, µs), saturation run", "<= 200", fmt(cpu), cpu <= 200));
        }
        Map<String, Object> slow = section(results, "saturationScale1");
        if (slow != null && slow.get("cpu") != null) {
            double cpu = num(cast(slow.get("cpu")), "cpuMicrosPerRequest");
            checks.add(new Check("cost: connector CPU per request (sink + source, µs), saturation run at time scale 1.0", "<= 200", fmt(cpu),
                    cpu <= 200));
        }
        restartChecks(section(results, "restart"), checks);
        backlogChecks(section(results, "backlog"), checks);
        Map<String, Object> heap = section(results, "heap");
        if (heap != null && heap.get("extrapolatedMbAt100k") != null) {
            double mb = num(heap, "extrapolatedMbAt100k");
            checks.add(new Check("cost: source heap at 100,000 outstanding tasks (MB)", "<= 256", fmt(mb), mb <= 256));
        }
        Map<String, Object> arch = section(results, "archive");
        if (arch != null && arch.get("cdn16MBps") instanceof Map<?, ?> cdn) {
            double r = num(cast(cdn), "ratioOursToBaseline");
            checks.add(new Check("archive: MB/s through one source task / sequential download-then-upload, 16 MB/s per download", "> 1",
                    fmt(r), r > 1));
        }
        crashWindow(checks, "at rest (10 requests/s)", cpuRun == null ? null : cpuRun.get("crashWindowAtRest"));
        crashWindow(checks, "saturation run", sat == null || !(sat.get("ours") instanceof Map<?, ?> o) ? null : o.get("crashWindow"));
        crashWindow(checks, "saturation run at time scale 1.0", slow == null || !(slow.get("ours") instanceof Map<?, ?> o1) ? null : o1.get("crashWindow"));
        Map<String, Object> rec = section(results, "recovery");
        if (rec != null && rec.get("rebalanceMs") != null) {
            checks.add(new Check("recovery: first event after a worker stop vs rebalance (ms)", "reported, no target",
                    fmt(num(rec, "firstEventAfterStopMs")) + " vs " + fmt(num(rec, "rebalanceMs")), null));
        }
        return checks;
    }

    /** The time from a create's answer to its SUBMITTED acknowledgement: how long a crash can leave a create unrecorded. */
    private static void crashWindow(List<Check> checks, String load, Object figures) {
        if (figures instanceof Map<?, ?> w) {
            Map<String, Object> f = cast(w);
            checks.add(new Check("crash window: create answer to SUBMITTED acknowledged, p50 / p99 (ms), " + load, "reported, no target",
                    fmt(num(f, "submitAckP50Ms")) + " / " + fmt(num(f, "submitAckP99Ms")), null));
        }
    }

    /** Per history size: start and first create after the put, from a checkpoint (the target) and without one (the full read). */
    private static void restartChecks(Map<String, Object> restart, List<Check> checks) {
        if (restart == null || !(restart.get("sizes") instanceof List<?> sizes) || sizes.isEmpty()) {
            return;
        }
        double worst = 0;
        double smallest = Double.NaN;
        double largest = Double.NaN;
        StringBuilder measured = new StringBuilder();
        StringBuilder full = new StringBuilder();
        for (Object o : sizes) {
            Map<String, Object> size = cast(o);
            Map<String, Object> cp = cast(size.get("fromCheckpoint"));
            Map<String, Object> nc = cast(size.get("withoutCheckpoint"));
            double total = num(cp, "firstCreateAfterStartMs");
            worst = Double.isNaN(total) ? Double.POSITIVE_INFINITY : Math.max(worst, total);
            smallest = Double.isNaN(smallest) ? total : smallest;
            largest = total;
            String n = String.format(Locale.ROOT, "%,d", ((Number) size.get("historyRecords")).longValue());
            measured.append(measured.length() == 0 ? "" : "; ").append(n).append(": start ").append(fmt(num(cp, "startMs")))
                    .append(", first create ").append(fmt(total));
            full.append(full.length() == 0 ? "" : "; ").append(n).append(": start ").append(fmt(num(nc, "startMs")))
                    .append(", first create ").append(fmt(num(nc, "firstCreateAfterStartMs")));
        }
        checks.add(new Check("restart: sink task start to first create after a rebalance, from its spend checkpoint (ms), per history size",
                "<= 5000", measured.toString(), worst <= 5_000));
        double growth = largest / smallest;
        checks.add(new Check("restart: the same, largest history / smallest (flat)", "<= 2", fmt(growth), growth <= 2));
        checks.add(new Check("restart: the same without a checkpoint (the full read of the day: the first start after the upgrade)",
                "reported, no target", full.toString(), null));
    }

    /** The last drain: events per second against the call ceiling, and the worker's heap. */
    private static void backlogChecks(Map<String, Object> backlog, List<Check> checks) {
        if (backlog == null || !(backlog.get("drains") instanceof List<?> drains) || drains.isEmpty()) {
            return;
        }
        Map<String, Object> d = cast(drains.get(drains.size() - 1));
        String what = String.format(Locale.ROOT, "%,d", ((Number) backlog.get("records")).longValue()) + " SUBMITTED records, time scale "
                + backlog.get("timeScale") + ", max.outstanding " + d.get("maxOutstanding");
        boolean drained = Boolean.TRUE.equals(d.get("drained"));
        double toCeiling = num(d, "callsToCeiling");
        checks.add(new Check("backlog: status calls / the key's call ceiling while draining (" + what + ")", ">= 0.9 and all drained",
                fmt(toCeiling) + " (" + fmt(num(d, "eventsPerSecond")) + " events/s, " + fmt(num(d, "drainSeconds")) + " s, drained: " + drained + ")",
                drained && toCeiling >= 0.9));
        double heap = num(d, "heapPeakAfterGcMb");
        checks.add(new Check("backlog: worker heap used after GC, peak (MB; -Xmx256m)", "<= 256", fmt(heap) + " (peak before GC "
                + fmt(num(d, "heapPeakUsedMb")) + ")", drained && heap <= 256 && !Boolean.TRUE.equals(d.get("outOfMemory"))));
    }

    static List<Map<String, Object>> asMaps(List<Check> checks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("target", c.target());
            m.put("measured", c.measured());
            m.put("met", c.met());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> section(Map<String, Object> results, String key) {
        Object v = results.get(key);
        return v instanceof Map<?, ?> ? cast(v) : null;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.valueOf(Stats.round(v, 3));
    }
}
