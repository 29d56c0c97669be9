package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CustomResourceDefinitions of Strimzi {@code ltx.strimzi.version} for the kinds deploy/strimzi/ uses, made the
 * way Strimzi's own build makes its install files: its crd-generator run on its {@code io.strimzi:api} model (both
 * from Maven Central, copied into {@code ltx.strimzi.jars} by the build), for the {@code v1} API. Strimzi 1.x is
 * compiled for Java 21, so the generator runs in a JVM of 21 or later: this one, {@code -Dltx.strimzi.java=<java home>},
 * {@code JAVA_HOME} or one under the usual JDK folders; without one, the tests that need the schemas are skipped.
 */
final class StrimziCrds {

    static final Map<String, String> MODEL_CLASSES = Map.of(
            "KafkaConnect", "io.strimzi.api.kafka.model.connect.KafkaConnect",
            "KafkaConnector", "io.strimzi.api.kafka.model.connector.KafkaConnector",
            "KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic",
            "KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser");
    private static final int JAVA_NEEDED = 21;
    private static Map<String, JsonNode> crds;

    private StrimziCrds() {
    }

    static String version() {
        return System.getProperty("ltx.strimzi.version");
    }

    /** The CRD of each kind (generated once per build into {@code <ltx.strimzi.jars>/crds}). */
    static synchronized Map<String, JsonNode> byKind() {
        if (crds == null) {
            Path jars = Path.of(System.getProperty("ltx.strimzi.jars"));
            Path dir = jars.resolve("crds");
            if (MODEL_CLASSES.keySet().stream().anyMatch(kind -> !Files.isRegularFile(dir.resolve(kind + ".yaml")))) {
                generate(jars, dir);
            }
            Map<String, JsonNode> read = new LinkedHashMap<>();
            for (String kind : MODEL_CLASSES.keySet()) {
                try {
                    read.put(kind, new YAMLMapper().readTree(dir.resolve(kind + ".yaml").toFile()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            crds = read;
        }
        return crds;
    }

    private static void generate(Path jars, Path dir) {
        Path java = javaHome().map(home -> home.resolve("bin").resolve("java")).orElse(null);
        Assumptions.assumeTrue(java != null, "Strimzi " + version() + "'s crd-generator needs Java " + JAVA_NEEDED
                + "+ and none was found: set -Dltx.strimzi.java=<a JDK 21+ home> to check deploy/strimzi/ against its CRDs");
        String classpath = jars.resolve("api-" + version() + ".jar") + File.pathSeparator
                + jars.resolve("crd-generator-" + version() + ".jar");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classpath, "io.strimzi.crdgenerator.CrdGenerator",
                "--target-kube", "1.16+", "--crd-api-version", "v1", "--api-versions", "v1", "--storage-version", "v1", "--yaml"));
        MODEL_CLASSES.forEach((kind, model) -> command.add(model + "=" + dir.resolve(kind + ".yaml")));
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("crd-generator.log").toFile()).start();
            if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("Strimzi's crd-generator failed: " + command + "\n" + Files.readString(dir.resolve("crd-generator.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A Java home of version 21 or later. */
    static Optional<Path> javaHome() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("ltx.strimzi.java")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("java.home")));
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
        for (String parent : List.of("/usr/lib/jvm", "/opt/java", "/usr/java", "/Library/Java/JavaVirtualMachines")) {
            try (Stream<Path> homes = Files.list(Path.of(parent))) {
                homes.sorted().forEach(h -> candidates.add(Files.isDirectory(h.resolve("Contents/Home")) ? h.resolve("Contents/Home") : h));
            } catch (IOException e) {
                // no such folder here
            }
        }
        return candidates.stream().filter(h -> Files.isExecutable(h.resolve("bin/java")) && major(h) >= JAVA_NEEDED).findFirst();
    }

    /** The feature version a JDK's {@code release} file declares (JAVA_VERSION="25.0.1"), 0 when unknown. */
    private static int major(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK we can read
        }
        return 0;
    }
}
