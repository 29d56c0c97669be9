package io.ltx2.connect.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * With {@code --jfr}, each scenario runs under a JDK Flight Recorder recording (the JDK's "profile"
 * settings, execution samples every 10 ms), written to {@code <out>/jfr/<scenario>.jfr}; the top
 * frames by thread role ({@link JfrTop}) go into the scenario's results as {@code jfrTop}. With
 * {@code --stacks a,b}, the threads whose names contain a or b are also sampled every millisecond
 * ({@link StackSampler}), as {@code stackTop}.
 */
final class Profiler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Profiler.class);
    private static volatile Path dir;
    private static volatile List<String> stackThreads;

    private final Recording recording;
    private final Path file;
    private final StackSampler stacks;

    private Profiler(Recording recording, Path file, StackSampler stacks) {
        this.recording = recording;
        this.file = file;
        this.stacks = stacks;
    }

    static void enable(Path directory) {
        dir = directory;
    }

    static void sampleStacks(List<String> threadNameParts) {
        stackThreads = threadNameParts;
    }

    static Profiler start(String scenario) throws Exception {
        if ("micro".equals(scenario)) {
            return new Profiler(null, null, null);
        }
        StackSampler stacks = stackThreads == null ? null : new StackSampler(stackThreads);
        if (dir == null) {
            return new Profiler(null, null, stacks);
        }
        Files.createDirectories(dir);
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        r.start();
        return new Profiler(r, dir.resolve(scenario + ".jfr"), stacks);
    }

    /** Stops the recording, writes it, and adds the top frames per thread role to the results. */
    void summariseInto(Map<String, Object> results) throws Exception {
        if (stacks != null) {
            stacks.close();
            results.put("stackTop", stacks.summary(12));
        }
        if (recording == null) {
            return;
        }
        recording.stop();
        recording.dump(file);
        Map<String, JfrTop.Role> roles = JfrTop.read(file);
        long total = roles.values().stream().mapToLong(x -> x.samples).sum();
        List<Map<String, Object>> top = new ArrayList<>();
        roles.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().samples, a.getValue().samples)).limit(12).forEach(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", e.getKey());
            m.put("samples", e.getValue().samples);
            m.put("share", Stats.round(e.getValue().samples / (double) Math.max(1, total), 3));
            m.put("self", JfrTop.topOf(e.getValue().self, 6));
            m.put("ours", JfrTop.topOf(e.getValue().ours, 6));
            top.add(m);
        });
        results.put("jfrTop", top);
        log.info("JFR recording of the scenario: {}", file);
    }

    @Override
    public void close() {
        if (stacks != null) {
            stacks.close();
        }
        if (recording != null) {
            recording.close();
        }
    }
}
