package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin archive {@code mvn package} built: Confluent Hub layout, manifest, what lib/ bundles and what it leaves to the worker. */
class PluginZipIT {

    @TempDir
    static Path tmp;
    private static Path root;
    private static String version;

    @BeforeAll
    static void unpack() {
        version = System.getProperty("ltx.plugin.version");
        root = PluginArchive.unpack(Path.of(System.getProperty("ltx.plugin.zip")), tmp.resolve("plugins"));
    }

    @Test
    void rootFolderIsNameDashVersionWithManifestLibEtcAndDoc() {
        assertThat(root.getFileName().toString()).isEqualTo("ltx2-kafka-connect-" + version);
        assertThat(root.resolve("manifest.json")).isRegularFile();
        assertThat(root.resolve("lib")).isDirectory();
        assertThat(root.resolve("etc")).isDirectory();
        assertThat(root.resolve("doc/LICENSE")).isRegularFile();
        assertThat(root.resolve("doc/operations.md")).isRegularFile();
    }

    @Test
    void manifestCarriesTheBuildVersionAndBothComponentTypes() throws IOException {
        JsonNode manifest = Json.MAPPER.readTree(root.resolve("manifest.json").toFile());
        assertThat(manifest.path("name").asText()).isEqualTo("ltx2-kafka-connect");
        assertThat(manifest.path("version").asText()).isEqualTo(version);
        assertThat(manifest.path("component_types")).extracting(JsonNode::asText).containsExactlyInAnyOrder("sink", "source");
        assertThat(manifest.path("features").path("supported_encodings").isArray()).isTrue();
        assertThat(manifest.path("features").path("single_message_transforms").asBoolean()).isTrue();
        assertThat(manifest.path("license").get(0).path("name").asText()).contains("Apache");
        assertThat(manifest.path("documentation_url").asText()).startsWith("https://");
    }

    @Test
    void libBundlesJacksonAndHttpClientButNotWhatTheWorkerProvides() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.list(root.resolve("lib"))) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).contains("ltx2-kafka-connect-" + version + ".jar");
        assertThat(jars).anyMatch(j -> j.startsWith("jackson-databind-"));
        assertThat(jars).anyMatch(j -> j.startsWith("httpclient5-"));
        assertThat(jars).anyMatch(j -> j.startsWith("httpcore5-"));
        assertThat(jars).noneMatch(j -> j.startsWith("kafka") || j.startsWith("connect-") || j.startsWith("slf4j")
                || j.startsWith("log4j") || j.startsWith("scala"));
    }

    @Test
    void pluginJarDeclaresBothConnectorsForServiceLoaderDiscovery() throws IOException {
        try (JarFile jar = new JarFile(root.resolve("lib/ltx2-kafka-connect-" + version + ".jar").toFile())) {
            assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.kafka.connect.sink.SinkConnector")).readAllBytes()))
                    .contains("io.ltx2.connect.LtxSinkConnector");
            assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector")).readAllBytes()))
                    .contains("io.ltx2.connect.LtxSourceConnector");
        }
    }

    @Test
    void etcHoldsTheReadyConfigs() {
        for (String file : List.of("ltx-sink.json", "ltx-source.json", "ltx-sink.properties", "ltx-source.properties",
                "demo-ltx-sink.json", "demo-ltx-source.json", "worker-distributed.properties")) {
            assertThat(root.resolve("etc").resolve(file)).isRegularFile();
        }
    }
}
