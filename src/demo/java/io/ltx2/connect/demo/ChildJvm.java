package io.ltx2.connect.demo;

import java.nio.file.Path;
import java.util.List;

/** What every child JVM of the demo gets: a modest heap, a small collector, the run's log config. */
final class ChildJvm {

    static final String HEAP = "-Xmx512m";

    private ChildJvm() {
    }

    static List<String> args(Path log4jConfig) {
        return List.of(HEAP, "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath());
    }
}
