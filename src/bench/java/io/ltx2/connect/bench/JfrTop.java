package io.ltx2.connect.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The top frames of a JDK Flight Recorder file, by thread role: {@code java ... JfrTop rec.jfr [topN]}.
 * Execution samples are grouped by role (a Connect task thread is named after its pool when JFR
 * first sees it, so the role is read from the stack: a sink or a source task), then counted by the
 * frame on top of the stack ("self") and by the plugin's own frame nearest the top ("ours", the
 * code of {@code io.ltx2.connect} outside the benchmarks and the simulator that led there).
 * docs/benchmarks.md shows how the saturation run is recorded.
 */
public final class JfrTop {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /** Samples of one thread role. */
    static final class Role {
        long samples;
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> ours = new HashMap<>();
    }

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Map<String, Role> roles = read(Path.of(args[0]));
        long total = roles.values().stream().mapToLong(r -> r.samples).sum();
        System.out.println(total + " execution samples");
        for (Map.Entry<String, Role> e : sorted(roles)) {
            Role r = e.getValue();
            System.out.printf("%6d %5.1f%%  %s%n", r.samples, 100.0 * r.samples / total, e.getKey());
            System.out.println("        self: " + topOf(r.self, top));
            System.out.println("        ours: " + topOf(r.ours, top));
        }
    }

    static Map<String, Role> read(Path file) throws IOException {
        Map<String, Role> roles = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
            RecordedThread thread = e.getThread("sampledThread");
            Role r = roles.computeIfAbsent(role(thread == null ? "?" : thread.getJavaName(), frames), k -> new Role());
            r.samples++;
            if (!frames.isEmpty()) {
                r.self.merge(name(frames.get(0)), 1L, Long::sum);
                r.ours.merge(frames.stream().filter(JfrTop::plugin).findFirst().map(JfrTop::name).orElse("(none)"), 1L, Long::sum);
            }
        }
        return roles;
    }

    private static String role(String threadName, List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.endsWith("WorkerSinkTask") || type.endsWith("LtxSinkTask")) {
                return "sink task thread";
            }
            if (type.endsWith("AbstractWorkerSourceTask") || type.endsWith("LtxSourceTask")) {
                return "source task thread";
            }
        }
        return threadName == null ? "?" : DIGITS.matcher(threadName).replaceAll("N");
    }

    private static boolean plugin(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.startsWith("io.ltx2.connect.") && !type.startsWith("io.ltx2.connect.bench.") && !type.startsWith("io.ltx2.connect.simulator.");
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static List<Map.Entry<String, Role>> sorted(Map<String, Role> roles) {
        return roles.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().samples, a.getValue().samples)).toList();
    }

    static String topOf(Map<String, Long> counts, int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out.toString();
    }
}
