package io.ltx2.connect.deploy;

import io.ltx2.connect.demo.PluginArchive;
import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both artifact forms of Strimzi's KafkaConnect build (deploy/strimzi/kafka-connect.yaml and kafka-connect-zip.yaml),
 * built the way Strimzi builds them ({@link StrimziBuildSteps}) from this build's release files, and loaded by
 * Connect's own plugin scanner (the Kafka {@code ltx.kafka.version} worker's {@code Plugins}, service-loader
 * discovery) from the plugin path that results: both connectors, at this build's version. The {@code type: maven}
 * form brings exactly the jars of the zip's lib/; without {@code includeScope} (Strimzi before 1.1) it adds only
 * jars that the worker ships itself.
 */
class StrimziBuildIT {

    private static final String PLUGIN = "ltx2-kafka-connect";

    @TempDir
    Path tmp;

    @Test
    void zipArtifactPassesStrimzisChecksumStepAndLoadsAsAPlugin() throws IOException {
        Path pluginPath = tmp.resolve("plugins");
        Path download = Files.createDirectories(pluginPath.resolve(PLUGIN)).resolve("0a1b2c3d.zip");
        Files.copy(ReleaseFiles.attached("plugin", "zip"), download); // what the url serves: the zip attached to the build
        String published = Files.readString(ReleaseFiles.zip().resolveSibling(ReleaseFiles.zip().getFileName() + ".sha512")).split(" ")[0];

        assertThat(StrimziBuildSteps.sha512sumCheck(download, published)).as("sha512sum -c with the published checksum").isTrue();
        assertThat(StrimziBuildSteps.sha512sumCheck(download, "0".repeat(128))).as("... and with a wrong one").isFalse();
        PluginArchive.unpack(download, pluginPath.resolve(PLUGIN).resolve("0a1b2c3d"));
        Files.delete(download);

        assertThat(connectorsFoundIn(pluginPath)).isEqualTo(expectedConnectors());
    }

    @Test
    void mavenArtifactBringsExactlyTheZipsLibAndLoadsAsAPlugin() {
        Path pluginPath = tmp.resolve("plugins");
        Path artifactDir = pluginPath.resolve(PLUGIN).resolve("4e5f6a7b");
        StrimziBuildSteps.mavenArtifact(ReleaseFiles.repositoryOfThisBuild(tmp.resolve("repo")), ReleaseFiles.groupId(),
                ReleaseFiles.artifactId(), ReleaseFiles.version(), "runtime", artifactDir, tmp.resolve("work"));

        assertThat(jarNames(artifactDir)).as("includeScope: runtime gives the zip's lib/").isEqualTo(zipLibJars());
        assertThat(connectorsFoundIn(pluginPath)).isEqualTo(expectedConnectors());
    }

    @Test
    void mavenArtifactWithoutIncludeScopeAddsOnlyJarsTheWorkerShips() throws IOException {
        Path artifactDir = tmp.resolve("plugins").resolve(PLUGIN).resolve("8c9d0e1f");
        StrimziBuildSteps.mavenArtifact(ReleaseFiles.repositoryOfThisBuild(tmp.resolve("repo")), ReleaseFiles.groupId(),
                ReleaseFiles.artifactId(), ReleaseFiles.version(), "", artifactDir, tmp.resolve("work"));

        Set<String> extra = new TreeSet<>(jarNames(artifactDir));
        extra.removeAll(zipLibJars());
        assertThat(jarNames(artifactDir)).containsAll(zipLibJars());
        assertThat(extra).as("the provided dependencies (Kafka's clients and Connect API, SLF4J) and theirs").isNotEmpty()
                .allMatch(jar -> Files.isRegularFile(Path.of(System.getProperty("ltx.kafka.runtime.dir"), jar)),
                        "a jar of the Kafka " + System.getProperty("ltx.kafka.version") + " worker itself (target/kafka-runtime)");
        assertThat(connectorsFoundIn(tmp.resolve("plugins"))).isEqualTo(expectedConnectors());
        String doc = Files.readString(Path.of("docs", "install.md"));
        assertThat(extra).as("each named in docs/install.md").allMatch(jar -> doc.contains("`" + jar.replaceAll("-\\d[\\w.-]*\\.jar$", "") + "`"));
    }

    /** Connector class -> version, of the connectors that Connect's scanner loads from an isolated plugin under {@code pluginPath}. */
    private static Map<String, String> connectorsFoundIn(Path pluginPath) {
        Plugins plugins = new Plugins(Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load"));
        return plugins.connectors().stream()
                .filter(d -> d.pluginClass().getClassLoader() instanceof PluginClassLoader loader
                        && Path.of(java.net.URI.create(loader.location())).startsWith(pluginPath))
                .collect(Collectors.toMap(PluginDesc::className, PluginDesc::version));
    }

    private static Map<String, String> expectedConnectors() {
        return Map.of("io.ltx2.connect.LtxSinkConnector", ReleaseFiles.version(), "io.ltx2.connect.LtxSourceConnector", ReleaseFiles.version());
    }

    private static Set<String> zipLibJars() {
        String lib = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + "/lib/";
        return ReleaseFiles.files(ReleaseFiles.zip()).keySet().stream().filter(n -> n.startsWith(lib) && n.endsWith(".jar"))
                .map(n -> n.substring(lib.length())).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> jarNames(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
