package io.ltx2.connect.bench;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Mode;
import io.ltx2.connect.simulator.GenerationTimeDraws;
import io.ltx2.connect.util.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The detection benchmark's workload as distributions: the task classes a connector can tell apart
 * from the input (resolution, duration 5-20 s, LoRA or not), their shares in {@link Workload#mixed}
 * (resolutions even, durations even, 35 % LoRA modes) and, per class, a sample of generation times
 * drawn from the simulator's own model ({@link GenerationTimeDraws}); and tasks for the schedule
 * simulation, from the same workload generator.
 */
final class FrontierPopulation {
    static final List<String> RESOLUTIONS = List.of("480p", "720p", "1080p");
    static final double LORA_SHARE = 0.35;

    /** One class: resolution, duration, LoRA; its share of the workload; its generation-time sample. */
    record TaskClass(String resolution, int duration, boolean lora, double weight, long[] sample) {
        PollFrontier.Cls cls() {
            return new PollFrontier.Cls(weight, PollFrontier.empirical(sample));
        }
    }

    private final GenerationTimeDraws draws;
    private final List<TaskClass> classes = new ArrayList<>();

    FrontierPopulation(long simulatorSeed, int drawsPerClass, long drawSeed) {
        this.draws = new GenerationTimeDraws(simulatorSeed);
        SplittableRandom random = new SplittableRandom(drawSeed);
        for (String resolution : RESOLUTIONS) {
            for (int duration = 5; duration <= 20; duration++) {
                for (boolean lora : new boolean[] {false, true}) {
                    GenerationInput in = input(resolution, duration, lora);
                    long[] sample = new long[drawsPerClass];
                    for (int i = 0; i < drawsPerClass; i++) {
                        sample[i] = draws.generationMs(in, random.nextLong());
                    }
                    double weight = (1.0 / RESOLUTIONS.size()) * (1.0 / 16) * (lora ? LORA_SHARE : 1 - LORA_SHARE);
                    classes.add(new TaskClass(resolution, duration, lora, weight, sample));
                }
            }
        }
    }

    List<TaskClass> classes(Predicate<TaskClass> filter) {
        return classes.stream().filter(filter).toList();
    }

    /** Input-aware: one schedule per class. */
    static List<PollFrontier.Cls> perClass(List<TaskClass> members) {
        return members.stream().map(TaskClass::cls).toList();
    }

    /** Resolution-aware only: one schedule per resolution, for the mixture of its classes. */
    static List<PollFrontier.Cls> perResolution(List<TaskClass> members) {
        List<PollFrontier.Cls> out = new ArrayList<>();
        for (String r : RESOLUTIONS) {
            List<PollFrontier.Cls> parts = members.stream().filter(c -> c.resolution().equals(r)).map(TaskClass::cls).toList();
            if (!parts.isEmpty()) {
                out.add(new PollFrontier.Cls(parts.stream().mapToDouble(PollFrontier.Cls::weight).sum(), PollFrontier.mixture(parts)));
            }
        }
        return out;
    }

    /**
     * {@code n} tasks of {@link Workload#mixed} (seeded), submitted {@code spacingMs} apart (0: all at
     * once, like the detection benchmark's backlog), each with a generation time drawn from the
     * simulator's model.
     */
    List<ScheduleSim.Task> tasks(int n, long workloadSeed, long spacingMs) {
        SplittableRandom random = new SplittableRandom(workloadSeed ^ 0x5851F42D4C957F2DL);
        List<ScheduleSim.Task> out = new ArrayList<>(n);
        List<Workload.Request> requests = Workload.mixed("frontier", n, workloadSeed);
        for (int i = 0; i < n; i++) {
            GenerationInput in = parse(requests.get(i).json());
            out.add(new ScheduleSim.Task(in, i * spacingMs, draws.generationMs(in, random.nextLong())));
        }
        return out;
    }

    static boolean lora(GenerationInput in) {
        return Mode.fromWire(in.mode()).map(Mode::usesLoras).orElse(false);
    }

    static GenerationInput input(String resolution, int duration, boolean lora) {
        return new GenerationInput(lora ? "text-to-video-LoRA" : "text-to-video", "frontier", resolution, duration, "16:9", null, 1L,
                lora ? List.of(new io.ltx2.connect.api.Lora("https://loras.example.com/a.safetensors?download=true", 1.0)) : null);
    }

    private static GenerationInput parse(String json) {
        try {
            return Json.MAPPER.convertValue(Json.MAPPER.readValue(json, Map.class), GenerationInput.class);
        } catch (Exception e) {
            throw new IllegalStateException("workload record " + json, e);
        }
    }
}
