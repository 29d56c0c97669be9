package io.ltx2.connect.bench;

import io.ltx2.connect.source.ScheduleProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario {@code frontier}, in-process (no Kafka, no HTTP): the fewest status calls per task any
 * schedule can make for a p95 detection delay ({@link PollFrontier}), for the detection workload's
 * generation times as the simulator draws them ({@link FrontierPopulation}), against the adaptive
 * schedule and the vendor's advice driven by {@link ScheduleSim} with the connector's own
 * {@code PollSchedule} classes. Regimes: {@code steady} (a long stream at the API's concurrency
 * ceiling, the model learnt), {@code cold} (a backlog submitted at once to a fresh source task,
 * like the detection scenario), {@code warm} (the same after a backlog three times as large).
 * Target: the adaptive schedule's calls within 10 % of the frontier's at its own p95, per resolution
 * (steady state).
 */
final class FrontierBenchmark {
    static final long GRID_MS = 50;
    static final double TARGET_RATIO = 1.10;
    /** The detection scenario's simulators use seed 7 (SaturationBenchmark.simulator). */
    static final long SIMULATOR_SEED = 7;
    static final double[] CURVE_DELAYS_SEC = {0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20};
    static final double[] SMOKE_CURVE_DELAYS_SEC = {1, 2, 4, 8, 16};
    static final long[] SWEEP_TARGETS_MS = {2_000, 3_000, 6_000, 8_000};

    /** A part of the workload: all, one resolution, or one resolution with or without LoRA. */
    record Group(String name, String resolution, Boolean lora) {
        boolean test(String res, boolean hasLora) {
            return (resolution == null || resolution.equals(res)) && (lora == null || lora == hasLora);
        }
    }

    static final List<Group> GROUPS = List.of(new Group("mix", null, null), new Group("480p", "480p", null),
            new Group("720p", "720p", null), new Group("1080p", "1080p", null),
            new Group("480p-lora", "480p", true), new Group("480p-nolora", "480p", false),
            new Group("720p-lora", "720p", true), new Group("720p-nolora", "720p", false),
            new Group("1080p-lora", "1080p", true), new Group("1080p-nolora", "1080p", false));

    /**
     * Sizes per benchmark mode: generation times drawn per class for the frontier, tasks of the
     * steady stream (submitted {@code spacingMs} apart: about 1,000 running, the API's ceiling) and
     * how many of its first are not measured, backlog runs and their size. Smoke is for the unit
     * test: its figures are not comparable.
     */
    record Sizes(int drawsPerClass, int steadyTasks, int steadyWarmup, long spacingMs, int runs, int batch, boolean smoke) {
        static Sizes of(String mode) {
            return switch (mode) {
                case "smoke" -> new Sizes(200, 1_500, 700, 400, 1, 300, true);
                case "quick" -> new Sizes(1_000, 10_000, 3_000, 80, 5, 300, false);
                default -> new Sizes(4_000, 30_000, 5_000, 80, 20, 300, false);
            };
        }

        double[] curveDelaysSec() {
            return smoke ? SMOKE_CURVE_DELAYS_SEC : CURVE_DELAYS_SEC;
        }

        long[] sweepTargetsMs() {
            return smoke ? new long[0] : SWEEP_TARGETS_MS;
        }
    }

    private final PollFrontier frontier = new PollFrontier(GRID_MS);
    private FrontierPopulation population;

    Map<String, Object> run(BenchConfig cfg) {
        Sizes z = Sizes.of(cfg.mode());
        population = new FrontierPopulation(SIMULATOR_SEED, z.drawsPerClass(), 11);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sizes", z);
        out.put("gridMs", GRID_MS);
        out.put("curves", curves(z.curveDelaysSec()));
        Map<String, Object> points = new LinkedHashMap<>();
        points.put("vendor", evaluate(steady(Map.of("ltx.poll.schedule", "fixed"), z)));
        points.put("adaptive", evaluate(steady(Map.of(), z)));
        points.put("adaptive-cold", evaluate(bursts(z, 0)));
        points.put("adaptive-warm", evaluate(bursts(z, 3 * z.batch())));
        for (long target : z.sweepTargetsMs()) {
            points.put("adaptive-target-" + target / 1000 + "s", evaluate(steady(Map.of("ltx.poll.target.delay.ms", String.valueOf(target)), z)));
        }
        out.put("points", points);
        Map<String, Object> met = new LinkedHashMap<>();
        for (String r : FrontierPopulation.RESOLUTIONS) {
            met.put(r, SaturationBenchmark.num(group(points, "adaptive", r), "ratio") <= TARGET_RATIO);
        }
        out.put("withinTenPercentSteady", met);
        return out;
    }

    /** The frontier per group, input-aware and resolution-only, at a range of p95 delays. */
    private Map<String, Object> curves(double[] delaysSec) {
        Map<String, Object> curves = new LinkedHashMap<>();
        for (Group g : GROUPS.subList(0, 4)) {
            List<FrontierPopulation.TaskClass> members = members(g);
            List<double[]> aware = new ArrayList<>();
            List<double[]> byResolution = new ArrayList<>();
            for (double d : delaysSec) {
                aware.add(new double[] {d, Stats.round(frontier.callsAt(FrontierPopulation.perClass(members), d * 1000).calls(), 4)});
                byResolution.add(new double[] {d, Stats.round(frontier.callsAt(FrontierPopulation.perResolution(members), d * 1000).calls(), 4)});
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("inputAware", aware);
            c.put("resolutionOnly", byResolution);
            curves.put(g.name(), c);
        }
        return curves;
    }

    private List<FrontierPopulation.TaskClass> members(Group g) {
        return population.classes(c -> g.test(c.resolution(), c.lora()));
    }

    /** Tasks and what a schedule did with them; {@code from} is the first measured task. */
    private record Simulated(List<ScheduleSim.Task> tasks, List<ScheduleSim.Outcome> outcomes, List<Integer> from, String settings) {
    }

    private Simulated steady(Map<String, String> props, Sizes z) {
        List<ScheduleSim.Task> tasks = population.tasks(z.steadyTasks(), 99, z.spacingMs());
        ScheduleSim.Outcome o = ScheduleSim.run(ScheduleSim.of(ScheduleProbe.of(props)), tasks);
        return new Simulated(tasks, List.of(o), List.of(z.steadyWarmup()), props.toString());
    }

    /** {@code runs} fresh source tasks, each given {@code warmup} tasks at once, then (all done) a batch at once, measured. */
    private Simulated bursts(Sizes z, int warmup) {
        List<ScheduleSim.Task> all = new ArrayList<>();
        List<ScheduleSim.Outcome> outcomes = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        for (int run = 0; run < z.runs(); run++) {
            List<ScheduleSim.Task> tasks = new ArrayList<>(population.tasks(warmup, 1_000 + run, 0));
            long start = 1_000_000L; // after every warm-up task is done
            for (ScheduleSim.Task t : population.tasks(z.batch(), 99 + run, 0)) {
                tasks.add(new ScheduleSim.Task(t.input(), start, t.generationMs()));
            }
            ScheduleSim.Outcome o = ScheduleSim.run(ScheduleSim.of(ScheduleProbe.of(Map.of())), tasks);
            all.addAll(tasks);
            outcomes.add(o);
            from.add(warmup);
        }
        return new Simulated(all, outcomes, from, "{} " + (warmup == 0 ? "cold" : "after " + warmup + " tasks"));
    }

    /** Per group: tasks, calls per task, delays (API s), the frontier's calls at the same p95 and the ratio. */
    private Map<String, Object> evaluate(Simulated s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings", s.settings());
        for (Group g : GROUPS) {
            List<Double> delays = new ArrayList<>();
            long calls = 0;
            int offset = 0;
            for (int r = 0; r < s.outcomes().size(); r++) {
                ScheduleSim.Outcome o = s.outcomes().get(r);
                for (int i = s.from().get(r); i < o.calls().length; i++) {
                    ScheduleSim.Task t = s.tasks().get(offset + i);
                    if (g.test(t.input().resolution(), FrontierPopulation.lora(t.input()))) {
                        delays.add(o.delayMs()[i] / 1000.0);
                        calls += o.calls()[i];
                    }
                }
                offset += o.calls().length;
            }
            out.put(g.name(), point(g, delays, calls));
        }
        return out;
    }

    private Map<String, Object> point(Group g, List<Double> delays, long calls) {
        double[] d = Stats.toArray(delays);
        double p95 = Stats.percentile(d, 95);
        double perTask = calls / (double) d.length;
        double best = frontier.callsAt(FrontierPopulation.perClass(members(g)), p95 * 1000).calls();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", d.length);
        m.put("callsPerTask", Stats.round(perTask, 3));
        m.put("delayP50", Stats.round(Stats.percentile(d, 50), 2));
        m.put("delayP95", Stats.round(p95, 2));
        m.put("delayMax", Stats.round(Stats.percentile(d, 100), 2));
        m.put("frontierCallsAtP95", Stats.round(best, 3));
        m.put("ratio", Stats.round(perTask / best, 3));
        return m;
    }

    /** {@code results/frontier.svg}, when the run has the scenario's figures. */
    static void writePlot(Path out, Map<String, Object> results) throws IOException {
        if (!(results.get("frontier") instanceof Map<?, ?> f) || f.get("points") == null) {
            return;
        }
        Map<String, Object> env = DetectionBenchmark.cast(results.get("environment"));
        Map<String, Object> detection = results.get("detection") instanceof Map<?, ?> d && d.get("adaptive") != null ? DetectionBenchmark.cast(d) : null;
        Files.writeString(out.resolve("frontier.svg"), FrontierPlot.render("Status calls per task vs p95 detection delay (" + env.get("mode") + ", "
                + env.get("startedAt") + ")", DetectionBenchmark.cast(f), detection));
    }

    /** The target per resolution, and the in-process figures beside the detection scenario's end-to-end ones. */
    static void checks(Map<String, Object> results, List<Targets.Check> checks) {
        if (!(results.get("frontier") instanceof Map<?, ?> f) || f.get("points") == null) {
            return;
        }
        Map<String, Object> points = DetectionBenchmark.cast(f.get("points"));
        for (String r : FrontierPopulation.RESOLUTIONS) {
            Map<String, Object> p = group(points, "adaptive", r);
            double ratio = SaturationBenchmark.num(p, "ratio");
            checks.add(new Targets.Check("frontier: adaptive calls per task / fewest possible at its p95, " + r + ", steady state",
                    "<= " + TARGET_RATIO, Targets.fmt(ratio) + " (" + p.get("callsPerTask") + " vs " + p.get("frontierCallsAtP95") + " at p95 "
                    + p.get("delayP95") + " s)", ratio <= TARGET_RATIO));
        }
        for (String regime : List.of("adaptive-cold", "adaptive-warm")) {
            Map<String, Object> p = group(points, regime, "mix");
            checks.add(new Targets.Check("frontier: adaptive calls / fewest possible, mix, " + regime.substring(9) + " backlog", "reported, no target",
                    Targets.fmt(SaturationBenchmark.num(p, "ratio")) + " (" + p.get("callsPerTask") + " vs " + p.get("frontierCallsAtP95") + " at p95 "
                    + p.get("delayP95") + " s)", null));
        }
        if (results.get("detection") instanceof Map<?, ?> d) {
            endToEndChecks(DetectionBenchmark.cast(d), DetectionBenchmark.cast(f.get("curves")), checks);
            for (String[] pair : new String[][] {{"adaptive", "adaptive-cold"}, {"adaptive-warm", "adaptive-warm"}, {"fixed", "vendor"}}) {
                if (d.get(pair[0]) instanceof Map<?, ?> e) {
                    Map<String, Object> m = group(points, pair[1], "mix");
                    Map<String, Object> end = DetectionBenchmark.cast(e);
                    checks.add(new Targets.Check("frontier: " + pair[0] + " calls per task and p95 (API s), in-process vs detection end to end",
                            "reported, no target", m.get("callsPerTask") + " @ " + m.get("delayP95") + " vs " + end.get("statusCallsPerTask") + " @ "
                            + SaturationBenchmark.num(DetectionBenchmark.cast(end.get("detectionDelayApiSec")), "p95"), null));
                }
            }
        }
    }

    /** The detection scenario's warm adaptive pipeline per resolution against the frontier (its curve interpolated at the measured p95). */
    private static void endToEndChecks(Map<String, Object> detection, Map<String, Object> curves, List<Targets.Check> checks) {
        if (!(detection.get(DetectionBenchmark.WARM) instanceof Map<?, ?> warm) || !(warm.get("byResolution") instanceof Map<?, ?> by)) {
            return;
        }
        for (String r : FrontierPopulation.RESOLUTIONS) {
            if (by.get(r) instanceof Map<?, ?> g) {
                Map<String, Object> m = DetectionBenchmark.cast(g);
                double p95 = SaturationBenchmark.num(DetectionBenchmark.cast(m.get("detectionDelayApiSec")), "p95");
                double calls = SaturationBenchmark.num(m, "statusCallsPerTask");
                double best = interpolate(FrontierPlot.curveOf(DetectionBenchmark.cast(curves.get(r)).get("inputAware")), p95);
                checks.add(new Targets.Check("frontier: detection end to end, adaptive after warm-up, " + r + ": calls / fewest possible at its p95",
                        "reported, no target (about 100 tasks)", Targets.fmt(Stats.round(calls / best, 3)) + " (" + calls + " vs " + Stats.round(best, 3)
                        + " at p95 " + p95 + " s)", null));
            }
        }
    }

    /** The frontier's calls at {@code delaySec}, linear between the curve's points. */
    static double interpolate(List<double[]> curve, double delaySec) {
        for (int i = 1; i < curve.size(); i++) {
            double[] a = curve.get(i - 1);
            double[] b = curve.get(i);
            if (delaySec <= b[0]) {
                double w = Math.max(0, Math.min(1, (delaySec - a[0]) / (b[0] - a[0])));
                return a[1] + w * (b[1] - a[1]);
            }
        }
        return curve.get(curve.size() - 1)[1];
    }

    static Map<String, Object> group(Map<String, Object> points, String schedule, String group) {
        return DetectionBenchmark.cast(DetectionBenchmark.cast(points.get(schedule)).get(group));
    }
}
