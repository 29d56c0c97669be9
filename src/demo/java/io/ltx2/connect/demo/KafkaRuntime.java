package io.ltx2.connect.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The jars of a plain Kafka distribution (broker and Connect worker), resolved by
 * {@code demo/runtime/pom.xml} into one folder. The plugin is not among them: the worker loads it
 * from {@code plugin.path}, isolated, as in production.
 */
public record KafkaRuntime(Path libDir) {

    public KafkaRuntime {
        try (var jars = Files.list(libDir)) {
            if (jars.noneMatch(p -> p.getFileName().toString().startsWith("connect-runtime-"))) {
                throw new IllegalArgumentException("no Kafka runtime jars in " + libDir);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("no Kafka runtime folder at " + libDir
                    + " (resolve it with: mvn -f demo/runtime/pom.xml package)", e);
        }
    }

    /** The class path: every jar of the folder, by the java launcher's own wildcard. */
    public List<String> classpath() {
        return List.of(libDir.toAbsolutePath() + "/*");
    }
}
