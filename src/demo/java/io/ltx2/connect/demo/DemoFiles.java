package io.ltx2.connect.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/** File helpers of the demo launcher. */
final class DemoFiles {

    private DemoFiles() {
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Properties readProperties(Path file) {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            props.load(in);
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes a properties file, creating its folder if needed (a replacement worker's run folder, say). */
    static void writeProperties(Path file, Map<String, String> props, String comment) {
        Properties p = new Properties();
        p.putAll(props);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + file, e);
        }
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A log4j2 configuration that prints INFO and above to stdout (which the launcher sends to the log file). */
    static Path writeLog4jConfig(Path runDir) {
        Path file = runDir.resolve("log4j2.xml");
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <Console name="out" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Root level="INFO"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """;
        return write(runDir, file, xml);
    }

    /**
     * The same for a Kafka 3.x broker or worker, which log through reload4j (log4j 1.x) as their
     * distribution does: a {@code log4j.properties} for {@code -Dlog4j.configuration}.
     */
    static Path writeReload4jConfig(Path runDir) {
        Path file = runDir.resolve("log4j.properties");
        String properties = """
                log4j.rootLogger=INFO, out
                log4j.appender.out=org.apache.log4j.ConsoleAppender
                log4j.appender.out.Target=System.out
                log4j.appender.out.layout=org.apache.log4j.PatternLayout
                log4j.appender.out.layout.ConversionPattern=%d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n
                """;
        return write(runDir, file, properties);
    }

    private static Path write(Path runDir, Path file, String text) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
