package io.ltx2.connect.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What every child JVM of the demo gets: a modest heap, a small collector, the run's log config. */
final class ChildJvm {

    static final String HEAP = "-Xmx512m";
    /** Heap, collector and headless mode; the logging configuration comes on top ({@link KafkaRuntime#jvmArgs}). */
    static final List<String> BASE = List.of(HEAP, "-XX:+UseSerialGC", "-Djava.awt.headless=true");

    private ChildJvm() {
    }

    /** For a JVM that logs through log4j2 (the simulator; a Kafka 4.x broker or worker). */
    static List<String> args(Path log4jConfig) {
        List<String> args = new ArrayList<>(BASE);
        args.add("-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath());
        return List.copyOf(args);
    }
}
