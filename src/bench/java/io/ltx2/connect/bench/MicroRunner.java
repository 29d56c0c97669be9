package io.ltx2.connect.bench;

import io.ltx2.connect.bench.micro.HotPathBenchmarks;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs the JMH hot-path benchmarks (one fork, few short iterations: a trend, not a paper) and returns ns/op per benchmark. */
final class MicroRunner {
    private MicroRunner() {
    }

    static Map<String, Object> run(BenchConfig cfg) throws RunnerException {
        BenchConfig.Jmh j = cfg.jmh();
        Options options = new OptionsBuilder()
                .include(HotPathBenchmarks.class.getName())
                .forks(j.forks())
                .warmupIterations(j.warmupIterations())
                .warmupTime(TimeValue.milliseconds(j.iterationMs()))
                .measurementIterations(j.measurementIterations())
                .measurementTime(TimeValue.milliseconds(j.iterationMs()))
                .threads(1)
                .jvmArgs("-Xmx256m", "-XX:+UseSerialGC")
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Object> out = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nsPerOp", Stats.round(r.getPrimaryResult().getScore(), 1));
            double error = r.getPrimaryResult().getScoreError();
            m.put("error99", Double.isNaN(error) ? null : Stats.round(error, 1));
            m.put("unit", r.getPrimaryResult().getScoreUnit());
            out.put(name, m);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("forks", j.forks());
        settings.put("warmupIterations", j.warmupIterations());
        settings.put("measurementIterations", j.measurementIterations());
        settings.put("iterationMs", j.iterationMs());
        out.put("settings", settings);
        return out;
    }
}
