package io.ltx2.connect;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin archive that {@code mvn package} builds (system property {@code ltx.plugin.zip}) holds
 * only code that runs in a Connect worker: every class of {@code io.ltx2.connect} in every jar of its
 * {@code lib/} belongs to a plugin package (never the simulator, the demo, the doc generator or the
 * benchmarks, which have their own source roots), none of them is a tool with a {@code main} method,
 * and {@code lib/} bundles nothing that the worker provides (Kafka, Connect, SLF4J and its bindings,
 * Scala).
 */
class PluginArchiveContentIT {

    /** The plugin's packages; their subpackages belong to the plugin too. */
    static final List<String> PLUGIN_PACKAGES = List.of("io.ltx2.connect", "io.ltx2.connect.api",
            "io.ltx2.connect.config", "io.ltx2.connect.sink", "io.ltx2.connect.source", "io.ltx2.connect.tracking",
            "io.ltx2.connect.callback", "io.ltx2.connect.metrics", "io.ltx2.connect.util", "io.ltx2.connect.archive");

    /** Jars the worker provides, by file name. */
    private static final Pattern PROVIDED_JAR = Pattern.compile(
            "(kafka|connect-|slf4j|log4j|reload4j|logback|scala|zookeeper).*\\.jar");
    /** Classes the worker provides, by entry name: caught even in a jar of another name (shaded, renamed). */
    private static final Pattern PROVIDED_CLASS = Pattern.compile(
            "(org/apache/kafka|kafka|org/slf4j|org/apache/logging/log4j|org/apache/log4j|ch/qos|scala)/.*\\.class");

    /** Entry names of the classes in each jar of lib/, by the jar's name. */
    private static final Map<String, List<String>> CLASSES_BY_JAR = new LinkedHashMap<>();

    @BeforeAll
    static void readEveryJarOfLib() throws IOException {
        Path zip = zip();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : archive.stream().toList()) {
                String name = entry.getName();
                if (name.matches("[^/]+/lib/[^/]+\\.jar")) {
                    try (InputStream in = archive.getInputStream(entry)) {
                        CLASSES_BY_JAR.put(name.substring(name.lastIndexOf('/') + 1), classesOf(in));
                    }
                }
            }
        }
        assertThat(CLASSES_BY_JAR).as("jars in lib/ of %s", zip).isNotEmpty();
    }

    @Test
    void everyClassOfTheProjectInLibBelongsToAPluginPackage() {
        List<String> outside = new ArrayList<>();
        List<String> plugin = new ArrayList<>();
        CLASSES_BY_JAR.forEach((jar, classes) -> classes.stream()
                .filter(entry -> entry.startsWith("io/ltx2/connect/"))
                .map(PluginArchiveContentIT::className)
                .forEach(cls -> (isInPluginPackage(cls) ? plugin : outside).add(cls + " (lib/" + jar + ")")));

        assertThat(plugin).as("the check saw the plugin's own classes")
                .anyMatch(c -> c.startsWith("io.ltx2.connect.LtxSinkConnector "))
                .anyMatch(c -> c.startsWith("io.ltx2.connect.LtxSourceConnector "));
        outside.sort(null);
        assertThat(outside).as("classes outside the plugin packages %s: simulator, demo, docgen and bench code "
                + "belongs in its own source root, never in the plugin", PLUGIN_PACKAGES).isEmpty();
    }

    /**
     * A tool in a plugin package (a doc generator, a launcher) is caught by its entry point: no class
     * of the plugin has a {@code main} method. The classes are loaded, not initialised, from the jars
     * of lib/ (those of the test class path first: the same compiled plugin, with Kafka's API).
     */
    @Test
    void noPluginClassHasAMainMethod(@TempDir Path tmp) throws Exception {
        List<URL> jars = new ArrayList<>();
        try (ZipFile archive = new ZipFile(zip().toFile())) {
            for (ZipEntry entry : archive.stream().filter(e -> e.getName().matches("[^/]+/lib/[^/]+\\.jar")).toList()) {
                Path jar = tmp.resolve(entry.getName().substring(entry.getName().lastIndexOf('/') + 1));
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, jar);
                }
                jars.add(jar.toUri().toURL());
            }
        }
        List<String> withMain = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), getClass().getClassLoader())) {
            for (List<String> classes : CLASSES_BY_JAR.values()) {
                for (String entry : classes) {
                    if (entry.startsWith("io/ltx2/connect/") && hasMain(Class.forName(className(entry), false, loader))) {
                        withMain.add(className(entry));
                    }
                }
            }
        }
        assertThat(withMain).as("plugin classes with a main method: tools belong in their own source root").isEmpty();
    }

    private static boolean hasMain(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).anyMatch(m -> m.getName().equals("main")
                && Modifier.isStatic(m.getModifiers()) && Arrays.equals(m.getParameterTypes(), new Class<?>[] {String[].class}));
    }

    @Test
    void libBundlesNothingTheWorkerProvides() {
        List<String> provided = new ArrayList<>();
        CLASSES_BY_JAR.forEach((jar, classes) -> {
            if (PROVIDED_JAR.matcher(jar).matches()) {
                provided.add("lib/" + jar);
            }
            classes.stream().filter(entry -> PROVIDED_CLASS.matcher(entry).matches()).findFirst()
                    .ifPresent(entry -> provided.add("lib/" + jar + " holds " + entry));
        });
        assertThat(provided).as("Kafka, Connect, SLF4J or a logging backend: the worker provides them").isEmpty();
    }

    @Test
    void pluginPackagesAreTheLayoutsOwn() {
        assertThat(isInPluginPackage("io.ltx2.connect.LtxSinkConnector")).isTrue();
        assertThat(isInPluginPackage("io.ltx2.connect.sink.LtxSinkTask$Inner")).isTrue();
        assertThat(isInPluginPackage("io.ltx2.connect.source.sub.Thing")).as("a subpackage").isTrue();
        for (String tool : List.of("simulator.ApiSimulator", "demo.DemoMain", "docgen.ConfigDocs", "bench.BenchMain",
                "sinkhole.Thing", "utilities.Thing")) {
            assertThat(isInPluginPackage("io.ltx2.connect." + tool)).as(tool).isFalse();
        }
    }

    private static Path zip() {
        String property = System.getProperty("ltx.plugin.zip");
        assertThat(property).as("system property ltx.plugin.zip (set by the failsafe configuration)").isNotBlank();
        Path zip = Path.of(property);
        assertThat(zip).as("the plugin archive, built by mvn package").isRegularFile();
        return zip;
    }

    static boolean isInPluginPackage(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        return pkg.equals("io.ltx2.connect")
                || PLUGIN_PACKAGES.stream().skip(1).anyMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."));
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }

    private static List<String> classesOf(InputStream jar) throws IOException {
        List<String> classes = new ArrayList<>();
        ZipInputStream in = new ZipInputStream(jar);
        for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
            String name = entry.getName();
            if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/versions/")) {
                classes.add(name);
            }
        }
        return classes;
    }
}
