package io.ltx2.connect.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars of a plain Kafka distribution (broker and Connect worker), resolved by
 * {@code demo/runtime/pom.xml} into one folder. The plugin is not among them: the worker loads it
 * from {@code plugin.path}, isolated, as in production.
 *
 * <p>The folder tells its Kafka version (from {@code connect-runtime-<version>.jar}) and how its
 * JVMs log: Kafka 4.x through log4j2 (a {@code log4j2.xml}), Kafka 3.x through reload4j, a log4j
 * 1.x {@code log4j.properties}, as each distribution's {@code libs/} does.
 */
public record KafkaRuntime(Path libDir) {

    private static final String CONNECT_RUNTIME = "connect-runtime-";

    /** How the broker and worker JVMs of a runtime log. */
    public enum Logging {
        /** log4j2 ({@code log4j-core}), configured by {@code -Dlog4j2.configurationFile}: Kafka 4.x. */
        LOG4J2,
        /** reload4j (log4j 1.x), configured by {@code -Dlog4j.configuration}: Kafka 3.x. */
        RELOAD4J
    }

    public KafkaRuntime {
        List<String> jars = jarNames(libDir);
        long connectRuntimes = jars.stream().filter(KafkaRuntime::isConnectRuntime).count();
        if (connectRuntimes != 1) {
            throw new IllegalArgumentException((connectRuntimes == 0 ? "no" : "more than one") + " Kafka runtime (connect-runtime-*.jar) in "
                    + libDir + " (resolve it with: mvn -f demo/runtime/pom.xml package -Dkafka.version=<version> -Druntime.dir=" + libDir + ")");
        }
        boolean log4j2 = jars.stream().anyMatch(j -> j.startsWith("log4j-core-"));
        boolean reload4j = jars.stream().anyMatch(j -> j.startsWith("slf4j-reload4j-"));
        if (log4j2 == reload4j) {
            throw new IllegalArgumentException(libDir + " must hold exactly one logging backend (log4j-core or slf4j-reload4j), has "
                    + (log4j2 ? "both" : "neither"));
        }
    }

    /** The class path: every jar of the folder, by the java launcher's own wildcard. */
    public List<String> classpath() {
        return List.of(libDir.toAbsolutePath() + "/*");
    }

    /** The Kafka version of these jars, e.g. {@code 3.9.2}. */
    public String version() {
        return jarNames(libDir).stream().filter(KafkaRuntime::isConnectRuntime).findFirst()
                .map(j -> j.substring(CONNECT_RUNTIME.length(), j.length() - ".jar".length()))
                .orElseThrow();
    }

    /** Whether these jars are Kafka {@code major.minor} or newer. */
    public boolean atLeast(int major, int minor) {
        String[] parts = version().split("\\.");
        int ma = Integer.parseInt(parts[0]);
        int mi = Integer.parseInt(parts[1]);
        return ma > major || ma == major && mi >= minor;
    }

    public Logging logging() {
        return jarNames(libDir).stream().anyMatch(j -> j.startsWith("log4j-core-")) ? Logging.LOG4J2 : Logging.RELOAD4J;
    }

    /**
     * The JVM options of a broker or worker of this runtime: {@link ChildJvm}'s, with this runtime's
     * logging configured by a file written into {@code runDir} (INFO and above to the process's output).
     */
    public List<String> jvmArgs(Path runDir) {
        List<String> args = new ArrayList<>(ChildJvm.BASE);
        if (logging() == Logging.LOG4J2) {
            args.add("-Dlog4j2.configurationFile=" + DemoFiles.writeLog4jConfig(runDir).toAbsolutePath());
        } else {
            args.add("-Dlog4j.configuration=" + DemoFiles.writeReload4jConfig(runDir).toAbsolutePath().toUri());
        }
        return args;
    }

    /** One jar of the folder by its artifact name, e.g. {@code connect-api}. */
    public Path jar(String artifactId) {
        String prefix = artifactId + "-";
        return jarNames(libDir).stream()
                .filter(j -> j.startsWith(prefix) && !j.substring(prefix.length()).isEmpty() && Character.isDigit(j.charAt(prefix.length())))
                .findFirst().map(libDir::resolve)
                .orElseThrow(() -> new IllegalArgumentException("no " + artifactId + " jar in " + libDir));
    }

    private static boolean isConnectRuntime(String jar) {
        return jar.startsWith(CONNECT_RUNTIME) && jar.endsWith(".jar") && Character.isDigit(jar.charAt(CONNECT_RUNTIME.length()));
    }

    private static List<String> jarNames(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("no Kafka runtime folder at " + dir
                    + " (resolve it with: mvn -f demo/runtime/pom.xml package -Druntime.dir=" + dir + ")", e);
        }
    }
}
