package io.ltx2.connect.bench;

import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's files: {@code benchmarks.json} (every figure, without the series), {@code saturation.csv},
 * {@code backlog.csv}, {@code benchmarks.svg} (every panel, the polling frontier last), {@code frontier.svg} (that panel alone)
 * and {@code summary.md} (the targets).
 */
final class ResultFiles {
    private ResultFiles() {
    }

    @SuppressWarnings("unchecked")
    static void write(Path out, Map<String, Object> results) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> series = (Map<String, Object>) results.get("saturationSeries");
        Map<String, Object> json = new LinkedHashMap<>(results);
        json.remove("saturationSeries");
        json.remove("backlogSeries");
        json.remove("backlogHeapSeries");
        Files.writeString(out.resolve("benchmarks.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        List<double[]> ours = (List<double[]>) series.get("ours");
        List<double[]> naive = (List<double[]>) series.get("naive");
        List<double[]> oursSlow = (List<double[]>) series.getOrDefault("oursSlow", List.of());
        StringBuilder csv = new StringBuilder("pipeline,api_seconds,busy_fraction,sampled_concurrency_fraction,rate_limited_total\n");
        appendSaturation(csv, "ltx", ours);
        appendSaturation(csv, "naive", naive);
        appendSaturation(csv, "ltx-scale-1.0", oursSlow);
        Files.writeString(out.resolve("saturation.csv"), csv.toString());
        List<double[]> backlog = (List<double[]>) results.getOrDefault("backlogSeries", List.of());
        StringBuilder backlogCsv = new StringBuilder("seconds_since_first_event,events_per_second,heap_used_after_gc_mb\n");
        for (double[] p : backlog) {
            backlogCsv.append(String.format(Locale.ROOT, "%.1f,%.1f,%.0f%n", p[0], p[1], p[2]));
        }
        Files.writeString(out.resolve("backlog.csv"), backlogCsv.toString());
        Map<String, Object> env = (Map<String, Object>) results.get("environment");
        List<SvgPlot.Panel> panels = SvgPlot.panels(ours, naive, oursSlow, delays(results), restart(results), backlog,
                (Map<String, List<double[]>>) results.getOrDefault("backlogHeapSeries", Map.of()));
        FrontierBenchmark.writePlot(out, results);
        if (results.get("frontier") instanceof Map<?, ?> f && f.get("points") != null) {
            panels.add(new EmbeddedPanel(Files.readString(out.resolve("frontier.svg")), FrontierPlot.W, FrontierPlot.H));
        }
        Files.writeString(out.resolve("benchmarks.svg"), SvgPlot.render("ltx2-kafka-connect benchmarks (" + env.get("mode") + ", "
                + env.get("startedAt") + ")", panels));
        Files.writeString(out.resolve("summary.md"), summary(results));
    }

    private static void appendSaturation(StringBuilder csv, String pipeline, List<double[]> points) {
        for (double[] p : points) {
            csv.append(String.format(Locale.ROOT, "%s,%.2f,%.4f,%.4f,%.0f%n", pipeline, p[0], p[1], p[2], p[3]));
        }
    }

    /** Detection p50 and p95 per pipeline. */
    @SuppressWarnings("unchecked")
    private static Map<String, double[]> delays(Map<String, Object> results) {
        Map<String, double[]> delays = new LinkedHashMap<>();
        if (results.get("detection") instanceof Map<?, ?> d) {
            for (String k : List.of("adaptive", "fixed", "callback")) {
                if (d.get(k) instanceof Map<?, ?> p && p.get("detectionDelayApiSec") instanceof Map<?, ?> s) {
                    delays.put(k, new double[] {SaturationBenchmark.num((Map<String, Object>) s, "p50"),
                            SaturationBenchmark.num((Map<String, Object>) s, "p95")});
                }
            }
        }
        return delays;
    }

    /** Per history size: start without a checkpoint, start from one, first create after the restart (ms). */
    @SuppressWarnings("unchecked")
    private static Map<String, double[]> restart(Map<String, Object> results) {
        Map<String, double[]> bars = new LinkedHashMap<>();
        if (results.get("restart") instanceof Map<?, ?> r && r.get("sizes") instanceof List<?> sizes) {
            for (Object o : sizes) {
                Map<String, Object> size = (Map<String, Object>) o;
                Map<String, Object> full = (Map<String, Object>) size.get("withoutCheckpoint");
                Map<String, Object> ckpt = (Map<String, Object>) size.get("fromCheckpoint");
                bars.put(String.format(Locale.ROOT, "%,d records", ((Number) size.get("historyRecords")).longValue()),
                        new double[] {SaturationBenchmark.num(full, "startMs"), SaturationBenchmark.num(ckpt, "startMs"),
                                SaturationBenchmark.num(ckpt, "firstCreateAfterStartMs")});
            }
        }
        return bars;
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> results) {
        StringBuilder s = new StringBuilder("| target | goal | measured | met |\n|---|---|---|---|\n");
        for (Map<String, Object> c : (List<Map<String, Object>>) results.get("targets")) {
            Object met = c.get("met");
            s.append("| ").append(c.get("name")).append(" | ").append(c.get("target")).append(" | ").append(c.get("measured"))
                    .append(" | ").append(met == null ? "-" : ((Boolean) met ? "yes" : "**no**")).append(" |\n");
        }
        return s.toString();
    }
}
