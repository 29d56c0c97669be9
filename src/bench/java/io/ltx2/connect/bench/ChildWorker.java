package io.ltx2.connect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A standalone Connect worker in its own JVM, with the benchmark's class path (the plugin's classes,
 * Connect's runtime), a fixed maximum heap and a GC log: the heap a connector's task needs is then
 * proven by the worker running within it, and the GC log gives the heap over time. Stopped (that
 * process only) when closed.
 */
final class ChildWorker implements AutoCloseable {
    private static final Pattern GC_LINE = Pattern.compile("^\\[([0-9.]+)s\\].*GC\\(\\d+\\) (Pause [^(]+\\([^)]*\\)[^0-9]*?)(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** One collection: seconds since the JVM started, heap used before and after it, heap committed (MB). */
    record GcSample(double seconds, String kind, long beforeMb, long afterMb, long committedMb) {
    }

    private final Process process;
    private final Path gcLog;
    private final Path dir;

    private ChildWorker(Process process, Path gcLog, Path dir) {
        this.process = process;
        this.gcLog = gcLog;
        this.dir = dir;
    }

    /** Starts {@code ConnectStandalone} with the worker and connector properties, the heap at most {@code maxHeap} (a JVM size: 256m). */
    static ChildWorker start(Path dir, String maxHeap, Map<String, String> worker, Map<String, String> connector) throws IOException {
        Files.createDirectories(dir);
        Path workerProps = dir.resolve("worker.properties");
        Path connectorProps = dir.resolve("connector.properties");
        Files.writeString(workerProps, properties(worker));
        Files.writeString(connectorProps, properties(connector));
        Path log4j = dir.resolve("log4j2.xml");
        Files.writeString(log4j, "<Configuration status=\"WARN\"><Appenders><File name=\"f\" fileName=\"" + dir.resolve("worker.log")
                + "\" append=\"false\"><PatternLayout pattern=\"%d{HH:mm:ss.SSS} %-5level [%t] %c - %msg%n\"/></File></Appenders>"
                + "<Loggers><Logger name=\"io.ltx2\" level=\"INFO\"/><Root level=\"WARN\"><AppenderRef ref=\"f\"/></Root></Loggers></Configuration>");
        Path gcLog = dir.resolve("gc.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap,
                "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog + ":uptime", "-Dlog4j2.configurationFile=" + log4j,
                "-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectStandalone", workerProps.toString(), connectorProps.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return new ChildWorker(p, gcLog, dir);
    }

    private static String properties(Map<String, String> props) {
        return props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\")).collect(Collectors.joining("\n")) + "\n";
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether the worker's log or output names an OutOfMemoryError. */
    boolean ranOutOfMemory() throws IOException {
        for (String f : List.of("worker.log", "stdout.log")) {
            Path p = dir.resolve(f);
            if (Files.exists(p) && Files.readString(p).contains("OutOfMemoryError")) {
                return true;
            }
        }
        return false;
    }

    /** The collections so far, from the GC log. */
    List<GcSample> gcSamples() throws IOException {
        List<GcSample> out = new ArrayList<>();
        if (!Files.exists(gcLog)) {
            return out;
        }
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                out.add(new GcSample(Double.parseDouble(m.group(1)), m.group(2).trim(), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5))));
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
