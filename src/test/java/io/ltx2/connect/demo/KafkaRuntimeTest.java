package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaRuntimeTest {

    private static Path runtime(Path dir, String... jars) throws IOException {
        Files.createDirectories(dir);
        for (String jar : jars) {
            Files.createFile(dir.resolve(jar));
        }
        return dir;
    }

    @Test
    void kafka4RuntimeLogsThroughLog4j2(@TempDir Path tmp) throws IOException {
        KafkaRuntime r = new KafkaRuntime(runtime(tmp.resolve("lib"), "connect-runtime-4.4.0.jar", "connect-api-4.4.0.jar",
                "kafka-clients-4.4.0.jar", "log4j-core-2.25.4.jar", "log4j-slf4j2-impl-2.25.4.jar", "slf4j-api-2.0.17.jar"));
        assertThat(r.version()).isEqualTo("4.4.0");
        assertThat(r.logging()).isEqualTo(KafkaRuntime.Logging.LOG4J2);
        assertThat(r.jar("connect-api").getFileName().toString()).isEqualTo("connect-api-4.4.0.jar");
        assertThat(r.jar("slf4j-api").getFileName().toString()).isEqualTo("slf4j-api-2.0.17.jar");

        List<String> args = r.jvmArgs(tmp.resolve("run"));
        assertThat(args).contains(ChildJvm.HEAP).anyMatch(a -> a.startsWith("-Dlog4j2.configurationFile="));
        assertThat(tmp.resolve("run").resolve("log4j2.xml")).exists();
    }

    @Test
    void kafka3RuntimeLogsThroughReload4jProperties(@TempDir Path tmp) throws IOException {
        KafkaRuntime r = new KafkaRuntime(runtime(tmp.resolve("lib"), "connect-runtime-3.9.2.jar", "reload4j-1.2.25.jar",
                "slf4j-reload4j-1.7.36.jar", "slf4j-api-1.7.36.jar"));
        assertThat(r.version()).isEqualTo("3.9.2");
        assertThat(r.logging()).isEqualTo(KafkaRuntime.Logging.RELOAD4J);

        List<String> args = r.jvmArgs(tmp.resolve("run"));
        Path properties = tmp.resolve("run").resolve("log4j.properties");
        assertThat(args).contains("-Dlog4j.configuration=" + properties.toAbsolutePath().toUri()).noneMatch(a -> a.contains("log4j2"));
        assertThat(Files.readString(properties)).contains("log4j.rootLogger=INFO, out", "org.apache.log4j.ConsoleAppender");
    }

    /** Kafka 3.9 brought the dynamic quorum (StorageTool format --standalone): LocalKafkaBroker formats a 3.7 or 3.8 broker without it. */
    @Test
    void versionComparisonTellsWorkersBeforeTheDynamicQuorum(@TempDir Path tmp) throws IOException {
        KafkaRuntime old = new KafkaRuntime(runtime(tmp.resolve("old"), "connect-runtime-3.7.2.jar", "slf4j-reload4j-1.7.36.jar"));
        KafkaRuntime current = new KafkaRuntime(runtime(tmp.resolve("new"), "connect-runtime-3.9.2.jar", "slf4j-reload4j-1.7.36.jar"));
        KafkaRuntime four = new KafkaRuntime(runtime(tmp.resolve("four"), "connect-runtime-4.0.2.jar", "log4j-core-2.25.4.jar"));
        assertThat(old.atLeast(3, 9)).isFalse();
        assertThat(old.atLeast(3, 7)).isTrue();
        assertThat(current.atLeast(3, 9)).isTrue();
        assertThat(four.atLeast(3, 9)).isTrue();
        assertThat(four.atLeast(4, 1)).isFalse();
    }

    /** A replacement worker's run folder does not exist yet when its worker.properties is written (WorkerKillIT). */
    @Test
    void propertiesGoIntoAFolderThatDoesNotExistYet(@TempDir Path tmp) {
        Path file = tmp.resolve("replacement").resolve("worker.properties");
        DemoFiles.writeProperties(file, Map.of("a", "b"), "test");
        assertThat(DemoFiles.readProperties(file)).containsEntry("a", "b");
    }

    @Test
    void aFolderThatIsNoSingleRuntimeIsRefusedWithTheCommandThatMakesOne(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> new KafkaRuntime(tmp.resolve("missing"))).hasMessageContaining("mvn -f demo/runtime/pom.xml package");
        assertThatThrownBy(() -> new KafkaRuntime(runtime(tmp.resolve("empty"), "kafka-clients-4.4.0.jar")))
                .hasMessageContaining("no Kafka runtime (connect-runtime-*.jar)");
        assertThatThrownBy(() -> new KafkaRuntime(runtime(tmp.resolve("mixed"), "connect-runtime-4.3.1.jar", "connect-runtime-4.4.0.jar",
                "log4j-core-2.25.4.jar"))).hasMessageContaining("more than one");
        assertThatThrownBy(() -> new KafkaRuntime(runtime(tmp.resolve("both"), "connect-runtime-3.9.2.jar", "log4j-core-2.25.4.jar",
                "slf4j-reload4j-1.7.36.jar"))).hasMessageContaining("exactly one logging backend");
    }
}
