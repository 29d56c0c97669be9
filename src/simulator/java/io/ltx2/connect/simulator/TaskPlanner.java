package io.ltx2.connect.simulator;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plans the task of an accepted create: its id (from the seed and a counter, so a run with the
 * same seed gives the same ids), its timeline ({@link GenerationTimes}) and its outcome, the first
 * of: a {@code #fail:<CODE>[:<N>]} marker in the prompt ({@link FailCodes}), the documented fail
 * triggers ({@value ApiSimulator#VIOLATION_MARKER} in the prompt, {@value ApiSimulator#INVALID_IMAGE_MARKER}
 * in an image URL, {@value ApiSimulator#INVALID_LORA_MARKER} in a LoRA path), and the random-failure
 * fault (rolled on the seed's dice for every task the others leave to succeed).
 */
final class TaskPlanner {
    private final String model;
    private final long seed;
    private final GenerationTimes times;
    private final int resultsPerTask;
    private final FaultDice dice;
    private final AtomicLong taskCounter = new AtomicLong();
    /** The origin result URLs start with ({@code http://127.0.0.1:PORT}), known once the server is bound. */
    private volatile String origin = "http://127.0.0.1";

    TaskPlanner(String model, long seed, GenerationTimes times, int resultsPerTask, FaultDice dice) {
        this.model = model;
        this.dice = dice;
        this.seed = seed;
        this.times = times;
        this.resultsPerTask = resultsPerTask;
    }

    void origin(String origin) {
        this.origin = origin;
    }

    /**
     * The task of {@code request}, created at {@code now} in reset generation {@code epoch}, after
     * {@code earlierWithPayload} tasks of the same payload, under {@code faults}.
     */
    SimTask plan(String apiKey, CreateRequestReader.CreateRequest request, long now, long epoch, int earlierWithPayload,
                 Faults faults) {
        GenerationInput in = request.input();
        SimTask.Failure failure = outcome(in, earlierWithPayload, faults);
        long payloadHash = hash64(request.canonical());
        GenerationTimes.Times t = times.timesFor(in, payloadHash, failure != null);
        String id = taskId(taskCounter.incrementAndGet());
        long start = now + t.pendingMs();
        List<String> results = new ArrayList<>(resultsPerTask);
        for (int i = 0; i < resultsPerTask; i++) {
            results.add(origin + ResultFiles.PATH_PREFIX + model + "/" + id + "-" + i + ".mp4");
        }
        return new SimTask(id, apiKey, model, epoch, request, new SimTask.Timeline(now, start, start + t.processingMs()), failure, results);
    }

    /** How the task ends: the failure the marker, a trigger or the random-failure fault gives it, or null for success. */
    private SimTask.Failure outcome(GenerationInput in, int earlierWithPayload, Faults faults) {
        SimTask.Failure failure = FailCodes.fromMarker(in.prompt(), earlierWithPayload);
        if (failure == null) {
            failure = failureFor(in);
        }
        if (failure == null && dice.roll(FaultDice.Stream.TASK_FAIL, faults.failCodeRate())) {
            List<String> codes = FailCodes.choices(faults.failCodes());
            failure = FailCodes.failure(codes.get(dice.pick(FaultDice.Stream.TASK_FAIL_CODE, codes.size())));
        }
        return failure;
    }

    /** The documented fail triggers, or null for a task that succeeds. */
    static SimTask.Failure failureFor(GenerationInput in) {
        if (in.prompt() != null && in.prompt().contains(ApiSimulator.VIOLATION_MARKER)) {
            return FailCodes.failure("CONTENT_VIOLATION");
        }
        if (in.imageUrls() != null && in.imageUrls().stream().anyMatch(u -> u != null && u.contains(ApiSimulator.INVALID_IMAGE_MARKER))) {
            return FailCodes.failure("INVALID_IMAGE_URL");
        }
        if (in.loras() != null && in.loras().stream().map(Lora::path).anyMatch(p -> p != null && p.contains(ApiSimulator.INVALID_LORA_MARKER))) {
            return FailCodes.failure("INVALID_LORA_URL");
        }
        return null;
    }

    private String taskId(long n) {
        return String.format("%016x%016x", FaultDice.mix(seed ^ 0x5DEECE66DL), FaultDice.mix(seed + n));
    }

    private static long hash64(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return FaultDice.mix(h);
    }
}
