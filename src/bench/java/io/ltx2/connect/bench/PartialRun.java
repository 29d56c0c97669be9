package io.ltx2.connect.bench;

import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --merge}: a run of some scenarios ({@code --only}) updates the results already in the
 * output directory instead of replacing them: the scenarios run replace their sections of
 * {@code benchmarks.json}, the others are kept (named in {@code environment.keptFromEarlierRuns}
 * with the start of the run that measured them), the targets are evaluated again over the whole, and the saturation
 * series is read back from {@code saturation.csv} when saturation did not run.
 */
final class PartialRun {
    private static final List<String> NOT_SECTIONS = List.of("environment", "targets", "saturationSeries");

    private PartialRun() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Path out, Map<String, Object> fresh) throws IOException {
        Path json = out.resolve("benchmarks.json");
        if (!Files.exists(json)) {
            return fresh;
        }
        Map<String, Object> earlier = Json.MAPPER.readValue(json.toFile(), LinkedHashMap.class);
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, Object> env = new LinkedHashMap<>((Map<String, Object>) fresh.get("environment"));
        Map<String, Object> earlierEnv = earlier.get("environment") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, Object> origins = earlierEnv.get("keptFromEarlierRuns") instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of();
        Map<String, Object> kept = new LinkedHashMap<>();
        merged.put("environment", env);
        for (Map.Entry<String, Object> e : earlier.entrySet()) {
            if (!NOT_SECTIONS.contains(e.getKey()) && !fresh.containsKey(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
                kept.put(e.getKey(), origins.getOrDefault(e.getKey(), String.valueOf(earlierEnv.get("startedAt"))));
            }
        }
        for (Map.Entry<String, Object> e : fresh.entrySet()) {
            if (!NOT_SECTIONS.contains(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        env.put("keptFromEarlierRuns", kept);
        merged.put("saturationSeries", fresh.containsKey("saturation") ? fresh.get("saturationSeries") : series(out.resolve("saturation.csv")));
        merged.put("targets", Targets.asMaps(Targets.evaluate(merged)));
        return merged;
    }

    /** The series of {@code saturation.csv} (pipeline, api_seconds, busy, sampled, 429s), as the run wrote them. */
    private static Map<String, List<double[]>> series(Path csv) throws IOException {
        Map<String, List<double[]>> s = new LinkedHashMap<>();
        s.put("ours", new ArrayList<>());
        s.put("naive", new ArrayList<>());
        s.put("oursSlow", new ArrayList<>());
        if (Files.exists(csv)) {
            for (String line : Files.readAllLines(csv)) {
                String[] f = line.split(",");
                if (f.length == 5 && !f[0].equals("pipeline")) {
                    s.get(f[0].equals("ltx") ? "ours" : f[0].equals("naive") ? "naive" : "oursSlow").add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                }
            }
        }
        return s;
    }
}
