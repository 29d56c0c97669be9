package io.ltx2.connect.bench;

import io.ltx2.connect.source.ScheduleProbe;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The frontier computation against closed forms, the schedule simulation on a hand-checked case, and a smoke run of the scenario. */
class FrontierBenchmarkTest {

    /** Generation times uniform on [0, w] ms. */
    private static PollFrontier.Dist uniform(long w) {
        return new PollFrontier.Dist() {
            @Override
            public double le(double x) {
                return Math.max(0, Math.min(1, x / w));
            }

            @Override
            public double lt(double x) {
                return le(x);
            }

            @Override
            public long min() {
                return 0;
            }

            @Override
            public long max() {
                return w;
            }
        };
    }

    /**
     * Uniform on [0, 100 s], p95 delay 50 s: at most 5 % may finish before t1 - 50 s, so t1 &lt;= 55 s
     * and at least 1 + P(c &gt; 55 s) = 1.45 calls; calls at 55 s and 100 s make exactly that. With a
     * delay of 95 s one call at 100 s suffices.
     */
    @Test
    void frontierMatchesTheClosedFormForAUniformDistribution() {
        PollFrontier f = new PollFrontier(50);
        List<PollFrontier.Cls> one = List.of(new PollFrontier.Cls(1, uniform(100_000)));
        assertThat(f.callsAt(one, 50_000).calls()).isCloseTo(1.45, within(1e-3));
        assertThat(f.callsAt(one, 95_000).calls()).isCloseTo(1.0, within(1e-9));
        // Delay 10 s: first call at 5 + 10 s, then every 10 s: 1 + 0.85 + 0.75 + ... + 0.05 = 5.05 calls.
        assertThat(f.callsAt(one, 10_000).calls()).isCloseTo(5.05, within(0.01)).isGreaterThan(f.callsAt(one, 20_000).calls());
        // Two classes the schedule can tell apart cost no more than their mixture under one schedule.
        List<PollFrontier.Cls> two = List.of(new PollFrontier.Cls(1, uniform(40_000)), new PollFrontier.Cls(1, uniform(100_000)));
        assertThat(f.callsAt(two, 10_000).calls()).isLessThanOrEqualTo(f.callsAt(List.of(new PollFrontier.Cls(2, PollFrontier.mixture(two))), 10_000)
                .calls() + 1e-9);
    }

    @Test
    void simulationCountsCallsAndDelaysAsTheConnectorWould() {
        ScheduleSim.Schedule vendor = ScheduleSim.of(ScheduleProbe.of(Map.of("ltx.poll.schedule", "fixed")));
        var in = FrontierPopulation.input("720p", 10, false);
        var outcome = ScheduleSim.run(vendor, List.of(new ScheduleSim.Task(in, 0, 62_000), new ScheduleSim.Task(in, 1_000, 40_000)));
        assertThat(outcome.calls()).containsExactly(2, 1);         // 60 s, 65 s; 61 s
        assertThat(outcome.delayMs()).containsExactly(3_000, 20_000);
    }

    @Test
    void smokeRunHasCurvesPointsTargetsAndAPlot(@TempDir Path out) throws Exception {
        Map<String, Object> frontier = new FrontierBenchmark().run(BenchConfig.of("smoke", Map.of()));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("environment", Map.of("mode", "smoke", "startedAt", "now"));
        results.put("frontier", frontier);
        var points = DetectionBenchmark.cast(frontier.get("points"));
        for (String group : List.of("mix", "480p", "720p", "1080p")) {
            Map<String, Object> adaptive = FrontierBenchmark.group(points, "adaptive", group);
            Map<String, Object> vendor = FrontierBenchmark.group(points, "vendor", group);
            assertThat((double) adaptive.get("ratio")).as(group).isGreaterThanOrEqualTo(0.95).isLessThan(1.2);
            assertThat((double) adaptive.get("callsPerTask")).as(group).isLessThan((double) vendor.get("callsPerTask"));
        }
        List<Targets.Check> checks = Targets.evaluate(results);
        assertThat(checks).filteredOn(c -> c.name().startsWith("frontier: adaptive calls per task")).hasSize(3);
        FrontierBenchmark.writePlot(out, Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(results), Map.class));
        assertThat(Files.readString(out.resolve("frontier.svg"))).startsWith("<svg").contains("1080p").contains("polyline").endsWith("</svg>\n");
    }
}
