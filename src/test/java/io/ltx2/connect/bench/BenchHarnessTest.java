package io.ltx2.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark harness works: JMH hot paths run (in-process), results, plot and summary are written; busy-time arithmetic is exact. */
class BenchHarnessTest {

    @Test
    void smokeRunMeasuresTheHotPathsAndWritesResultsPlotAndSummary(@TempDir Path out) throws Exception {
        Map<String, Object> results = BenchMain.run(BenchConfig.of("smoke", Map.of()), Set.of("micro"));
        BenchMain.write(out, results);

        JsonNode json = Json.MAPPER.readTree(Files.readString(out.resolve("benchmarks.json")));
        assertThat(json.path("environment").path("mode").asText()).isEqualTo("smoke");
        for (String bench : List.of("parseAndValidateMap", "parseAndValidateJsonString", "encodeTrackingRecord", "decodeTrackingRecord",
                "buildSuccessEvent")) {
            assertThat(json.path("micro").path(bench).path("nsPerOp").asDouble()).as(bench).isGreaterThan(0);
        }
        assertThat(Files.readString(out.resolve("benchmarks.svg"))).startsWith("<svg").contains("Saturation").endsWith("</svg>\n");
        assertThat(Files.readString(out.resolve("summary.md"))).startsWith("| target |");
        assertThat(Files.readString(out.resolve("saturation.csv"))).startsWith("pipeline,api_seconds");
    }

    @Test
    void busyFractionIsTheTimeAverageOfActiveTasks() {
        // Two tasks: [0, 100) and [50, 150). Over [0, 200): area 100 + 100 = 200, average 1.0.
        Concurrency c = new Concurrency(List.of(task("a", 0, 100), task("b", 50, 150)));
        assertThat(c.average(0, 200)).isCloseTo(1.0, within(1e-9));
        assertThat(c.average(50, 100)).isCloseTo(2.0, within(1e-9));
        assertThat(c.at(75)).isEqualTo(2);
        assertThat(c.at(100)).isEqualTo(1);
        assertThat(c.firstReaching(2)).isEqualTo(50);
        assertThat(c.firstReaching(3)).isEqualTo(-1);
        assertThat(Stats.percentile(new double[] {5, 1, 4, 2, 3}, 50)).isEqualTo(3);
        assertThat(Stats.percentile(new double[] {5, 1, 4, 2, 3}, 95)).isEqualTo(5);
    }

    private static SimulatorStats.TaskStats task(String id, long create, long complete) {
        return new SimulatorStats.TaskStats(id, new GenerationInput("text-to-video", "p", "480p", 5, "16:9", null, null, null), create, create,
                complete, "success", null, 0, null, List.of(), false);
    }
}
