package io.ltx2.connect.demo;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Compiles the plugin's sources ({@code src/main/java}) against one worker's Kafka APIs, with exactly
 * what a worker gives a plugin: that version's {@code connect-api}, {@code kafka-clients} and
 * {@code slf4j-api} jars, and the jars the plugin zip bundles. A class or method the plugin uses that
 * the worker lacks (a newer API called unguarded, an internal class that moved, an SLF4J 2 call on an
 * SLF4J 1.7 worker) fails here by name, even on a code path the pipeline does not take.
 *
 * <p>Except the newer APIs of {@link #GUARDED}: the plugin may call them only behind a guard
 * ({@code catch (NoSuchMethodError | NoClassDefFoundError e)} and a fallback), so on a worker older
 * than the API's first version their compile errors are expected and reported apart; the pipeline
 * runs on that worker prove the guard (an unguarded call would fail the task).
 */
final class PluginSourceCompiler {

    /**
     * Newer Connect APIs the plugin may call behind a guard, by a name every compile error about them
     * contains, with the first Kafka version that has them: KIP-877 plugin metrics ({@code
     * SinkTaskContext.pluginMetrics()}, {@code org.apache.kafka.common.metrics.PluginMetrics}), 4.1.
     */
    static final Map<String, WorkerVersion> GUARDED = Map.of("pluginmetrics", new WorkerVersion("4.1.0"));

    /** Errors, and the errors about guarded newer APIs the worker does not have (expected). */
    record Result(List<String> errors, List<String> guarded) {
    }

    private PluginSourceCompiler() {
    }

    /** Compiles into {@code outputDir}; errors one per line. */
    static Result compile(WorkerVersion worker, KafkaRuntime runtime, Path pluginLib, Path outputDir) {
        List<String> errors = new ArrayList<>();
        List<String> guarded = new ArrayList<>();
        for (String error : errors(runtime, pluginLib, outputDir)) {
            boolean expected = GUARDED.entrySet().stream().anyMatch(g -> error.toLowerCase(Locale.ROOT).contains(g.getKey())
                    && !worker.atLeast(g.getValue().major(), g.getValue().minor()));
            (expected ? guarded : errors).add(error);
        }
        return new Result(errors, guarded);
    }

    private static List<String> errors(KafkaRuntime runtime, Path pluginLib, Path outputDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<File> classpath = new ArrayList<>();
        for (String artifact : List.of("connect-api", "kafka-clients", "slf4j-api")) {
            classpath.add(runtime.jar(artifact).toFile());
        }
        try (Stream<Path> bundled = Files.list(pluginLib); Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            bundled.filter(j -> !j.getFileName().toString().startsWith("ltx2-kafka-connect-")).map(Path::toFile).forEach(classpath::add);
            List<File> files = sources.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).toList();
            DemoFiles.deleteRecursively(outputDir);
            Files.createDirectories(outputDir);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
                List<String> options = List.of("--release", "17", "-proc:none", "-nowarn", "-encoding", "UTF-8",
                        "-d", outputDir.toString(), "-classpath", String.join(File.pathSeparator, classpath.stream().map(File::getPath).toList()));
                javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files)).call();
            }
            return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> (d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ")
                            + d.getMessage(Locale.ROOT).replace('\n', ' '))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
