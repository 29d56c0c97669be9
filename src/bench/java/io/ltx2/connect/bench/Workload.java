package io.ltx2.connect.bench;

import io.ltx2.connect.util.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Deterministic request mixes: every resolution, durations 5-20 s, all four modes. */
final class Workload {
    record Request(String id, String json) {
    }

    private Workload() {
    }

    /** {@code n} valid requests: 45 % text, 20 % image, 20 % text+LoRA, 15 % image+LoRA; resolutions evenly spread. */
    static List<Request> mixed(String prefix, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] resolutions = {"480p", "720p", "1080p"};
        List<Request> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int roll = random.nextInt(100);
            String mode = roll < 45 ? "text-to-video" : roll < 65 ? "image-to-video" : roll < 85 ? "text-to-video-LoRA" : "image-to-video-LoRA";
            Map<String, Object> v = new LinkedHashMap<>();
            String id = prefix + "-" + i;
            v.put("request_id", id);
            v.put("mode", mode);
            v.put("prompt", "Benchmark clip " + i + ": a lighthouse in a storm, seen from the sea, camera slowly orbiting");
            v.put("resolution", resolutions[random.nextInt(3)]);
            v.put("duration", 5 + random.nextInt(16));
            v.put("seed", 1 + random.nextInt(1_000_000));
            if (mode.startsWith("image")) {
                v.put("image_urls", List.of("https://images.example.com/frame-" + i + ".png"));
            } else {
                v.put("aspect_ratio", random.nextBoolean() ? "16:9" : "9:16");
            }
            if (mode.endsWith("LoRA")) {
                v.put("loras", List.of(Map.of("path", "https://loras.example.com/style-" + (i % 7) + ".safetensors?download=true",
                        "scale", 1.0)));
            }
            out.add(new Request(id, json(v)));
        }
        return out;
    }

    /** Short 480p text requests, for throughput and recovery runs where generation time does not matter. */
    static List<Request> simple(String prefix, int from, int n) {
        List<Request> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            String id = prefix + "-" + i;
            v.put("request_id", id);
            v.put("prompt", "Throughput clip " + i);
            v.put("resolution", "480p");
            v.put("duration", 5);
            out.add(new Request(id, json(v)));
        }
        return out;
    }

    private static String json(Map<String, Object> v) {
        try {
            return Json.MAPPER.writeValueAsString(v);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
