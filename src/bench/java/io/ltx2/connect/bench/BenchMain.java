package io.ltx2.connect.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the benchmark suite and writes {@code results/benchmarks.json}, {@code saturation.csv},
 * {@code benchmarks.svg} and {@code summary.md}. Usage (see docs/benchmarks.md):
 * {@code mvn -B -Pbench verify [-Dbench.mode=quick|default|full] [-Dbench.args="--only saturation,detection --requests 2000"]}.
 */
public final class BenchMain {
    private static final Logger log = LoggerFactory.getLogger(BenchMain.class);
    static final List<String> SCENARIOS = List.of("micro", "frontier", "saturation", "saturation-1.0", "detection", "throughput", "cpu", "heap", "recovery",
            "restart", "backlog", "archive");
    /** Scenarios that run in-process, without the embedded Kafka. */
    private static final Set<String> NO_KAFKA = Set.of("micro", "frontier");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        opts.forEach((k, v) -> {
            if (k.startsWith("archive-")) {
                ARCHIVE_OPTIONS.put(k, v);
            }
        });
        String mode = opts.getOrDefault("mode", "default");
        Path out = Path.of(opts.getOrDefault("out", "results"));
        Set<String> only = opts.containsKey("only") ? new HashSet<>(Arrays.asList(opts.get("only").split(","))) : new HashSet<>(SCENARIOS);
        if (opts.containsKey("skip-jmh")) {
            only.remove("micro");
        }
        if (opts.containsKey("jfr")) {
            Profiler.enable(out.resolve("jfr"));
        }
        if (opts.containsKey("stacks")) {
            Profiler.sampleStacks(List.of(opts.get("stacks").split(",")));
        }
        Map<String, Object> results = run(BenchConfig.of(mode, opts), only);
        write(out, opts.containsKey("merge") ? PartialRun.merge(out, results) : results);
        log.info("Results written to {}", out.toAbsolutePath());
        System.exit(0); // Kafka leaves non-daemon threads behind
    }

    static Map<String, Object> run(BenchConfig cfg, Set<String> only) throws Exception {
        long started = System.nanoTime();
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("mode", cfg.mode());
        env.put("startedAt", Instant.now().toString());
        env.put("java", System.getProperty("java.version"));
        env.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        env.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        env.put("loadAverageAtStart", loadAverage());
        env.put("config", cfg);
        results.put("environment", env);
        if (only.contains("micro")) {
            results.put("micro", guarded("micro", () -> MicroRunner.run(cfg)));
        }
        SaturationBenchmark saturation = new SaturationBenchmark();
        if (only.contains("frontier")) {
            results.put("frontier", guarded("frontier", () -> new FrontierBenchmark().run(cfg)));
        }
        SaturationBenchmark slowSaturation = new SaturationBenchmark("sat1");
        BacklogBenchmark backlog = new BacklogBenchmark();
        if (!"smoke".equals(cfg.mode()) && only.stream().anyMatch(s -> !NO_KAFKA.contains(s))) {
            log.info("Starting the embedded Kafka broker and 2 Connect workers");
            try (BenchKafka kafka = BenchKafka.start(2)) {
                if (only.contains("warmup")) {
                    // Unmeasured: the plugin's, the simulator's and Kafka's code paths compiled by the JIT before anything is measured.
                    results.put("warmup", guarded("warmup", () -> new CpuBenchmark("warm", false).run(kafka, cfg)));
                }
                if (only.contains("saturation")) {
                    results.put("saturation", guarded("saturation", () -> saturation.run(kafka, cfg)));
                }
                if (only.contains("saturation-1.0")) {
                    results.put("saturationScale1", guarded("saturation-1.0", () -> slowSaturation.run(kafka, cfg, 1.0, cfg.slowSaturationRequests())));
                }
                if (only.contains("detection")) {
                    results.put("detection", guarded("detection", () -> new DetectionBenchmark().run(kafka, cfg)));
                }
                if (only.contains("throughput")) {
                    results.put("throughput", guarded("throughput", () -> new ThroughputBenchmark().run(kafka, cfg)));
                }
                if (only.contains("cpu")) {
                    results.put("cpu", guarded("cpu", () -> new CpuBenchmark().run(kafka, cfg)));
                }
                if (only.contains("heap")) {
                    results.put("heap", guarded("heap", () -> new HeapBenchmark().run(kafka, cfg)));
                }
                if (only.contains("recovery")) {
                    results.put("recovery", guarded("recovery", () -> new RecoveryBenchmark().run(kafka, cfg)));
                }
                if (only.contains("backlog")) {
                    results.put("backlog", guarded("backlog", () -> backlog.run(kafka, cfg)));
                }
                if (only.contains("restart")) {
                    results.put("restart", guarded("restart", () -> new RestartBenchmark().run(kafka, cfg)));
                }
                if (only.contains("archive")) {
                    results.put("archive", guarded("archive", () -> new ArchiveBenchmark().run(kafka, cfg,
                            archiveSize(cfg, "archive-videos", 32, 8), archiveSize(cfg, "archive-mb", 6, 2))));
                }
            }
        }
        results.put("saturationSeries", Map.of("ours", saturation.series().ours(), "naive", saturation.series().naive(),
                "oursSlow", slowSaturation.series().ours()));
        results.put("backlogSeries", backlog.series());
        results.put("backlogHeapSeries", backlog.heapSeries());
        results.put("targets", Targets.asMaps(Targets.evaluate(results)));
        env.put("loadAverageAtEnd", loadAverage());
        env.put("totalSeconds", Math.round((System.nanoTime() - started) / 1e9));
        return results;
    }

    /** The archive scenario's size: {@code --key value} (kept in the environment's options), else its default (quick: the smaller one). */
    private static int archiveSize(BenchConfig cfg, String key, int normal, int quick) {
        String v = ARCHIVE_OPTIONS.get(key);
        return v != null ? Integer.parseInt(v) : "quick".equals(cfg.mode()) ? quick : normal;
    }

    /** The archive scenario's command-line options (--archive-videos, --archive-mb). */
    private static final Map<String, String> ARCHIVE_OPTIONS = new HashMap<>();

    /** The machine's 1-minute load average (other builds share it): context for the figures. */
    private static double loadAverage() {
        return Stats.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2);
    }

    interface Scenario {
        Map<String, Object> run() throws Exception;
    }

    private static Object guarded(String name, Scenario scenario) {
        long t = System.nanoTime();
        log.info("Scenario {}: starting", name);
        try (Profiler profile = Profiler.start(name)) {
            Map<String, Object> r = scenario.run();
            r.put("scenarioSeconds", Math.round((System.nanoTime() - t) / 1e9));
            profile.summariseInto(r);
            log.info("Scenario {}: done in {} s: {}", name, r.get("scenarioSeconds"), r);
            return r;
        } catch (Exception | AssertionError e) {
            log.error("Scenario {} failed", name, e);
            return Map.of("error", String.valueOf(e));
        }
    }

    static void write(Path out, Map<String, Object> results) throws IOException {
        ResultFiles.write(out, results);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(key, args[++i]);
            } else {
                m.put(key, "true");
            }
        }
        return m;
    }
}
