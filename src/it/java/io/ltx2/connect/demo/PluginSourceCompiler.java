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
import java.util.stream.Stream;

/**
 * Compiles the plugin's sources ({@code src/main/java}) against one worker's Kafka APIs, with exactly
 * what a worker gives a plugin: that version's {@code connect-api}, {@code kafka-clients} and
 * {@code slf4j-api} jars, and the jars the plugin zip bundles. A class or method the plugin uses that
 * the worker lacks (a newer API called unguarded, an internal class that moved, an SLF4J 2 call on an
 * SLF4J 1.7 worker) fails here by name, even on a code path the pipeline does not take.
 */
final class PluginSourceCompiler {

    private PluginSourceCompiler() {
    }

    /** The compiler's errors, one per line; empty when the sources compile. */
    static List<String> errors(KafkaRuntime runtime, Path pluginLib, Path outputDir) {
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
                            + d.getMessage(null))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
