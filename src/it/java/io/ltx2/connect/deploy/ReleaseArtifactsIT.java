package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confluent.connect.packaging.manifest.PluginMetadata;
import io.confluent.connect.packaging.manifest.PluginType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release artifacts of {@code mvn package} (docs/install.md, "Releases"): {@code <name>-<version>.zip} and
 * {@code .tar.gz} with the same files in Confluent Hub's layout, each with a {@code .sha512} in the format of
 * {@code sha512sum} that matches it; both attached with the classifier {@code plugin} (Maven resolves them by
 * those coordinates from the build); config/ and schemas/ under etc/; the published pom with its version resolved;
 * and a manifest that Confluent's own component manifest model reads.
 */
class ReleaseArtifactsIT {

    private static final Pattern SHA512_LINE = Pattern.compile("([0-9a-f]{128})  (\\S+)\\n?");

    @Test
    void archivesAreNameDashVersionEachWithAMatchingSha512File() throws IOException {
        String base = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version();
        for (Path archive : new Path[] {ReleaseFiles.zip(), ReleaseFiles.tarGz()}) {
            assertThat(archive.getFileName().toString()).isIn(base + ".zip", base + ".tar.gz");
            Path sumFile = archive.resolveSibling(archive.getFileName() + ".sha512");
            assertThat(sumFile).as("checksum file beside %s", archive).isRegularFile();
            Matcher line = SHA512_LINE.matcher(Files.readString(sumFile));
            assertThat(line.matches()).as("%s holds '<128 hex digits>  <file name>' (sha512sum's format)", sumFile).isTrue();
            assertThat(line.group(2)).as("the file it names").isEqualTo(archive.getFileName().toString());
            assertThat(line.group(1)).as("the SHA-512 of %s", archive).isEqualTo(ReleaseFiles.sha512(archive));
        }
    }

    @Test
    void zipAndTarGzHoldTheSameFilesInConfluentHubLayout() {
        Map<String, String> zip = ReleaseFiles.files(ReleaseFiles.zip());
        Map<String, String> tgz = ReleaseFiles.files(ReleaseFiles.tarGz());
        assertThat(tgz).as("the tar.gz holds the zip's files, byte for byte").isEqualTo(zip);

        String root = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + "/";
        assertThat(zip.keySet()).allMatch(name -> name.startsWith(root), "under " + root)
                .contains(root + "manifest.json", root + "lib/" + ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + ".jar",
                        root + "etc/ltx-sink.json", root + "etc/ltx-source.json", root + "doc/README.md", root + "doc/LICENSE");
        assertThat(zip.keySet()).as("only the four parts of the layout")
                .allMatch(name -> name.equals(root + "manifest.json") || name.matches(Pattern.quote(root) + "(lib|etc|doc)/.+"));
    }

    /** What a deployment feeds to Connect and a schema registry, under etc/ byte for byte: config/ as etc/, schemas/ as etc/schemas/. */
    @Test
    void etcHoldsTheReadyConfigsAndTheSchemaFiles() throws IOException {
        String etc = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + "/etc/";
        Map<String, String> expected = new TreeMap<>();
        for (String[] dir : new String[][] {{"config", etc}, {"schemas", etc + "schemas/"}}) {
            try (Stream<Path> files = Files.walk(Path.of(dir[0]))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String relative = Path.of(dir[0]).relativize(file).toString().replace('\\', '/');
                    expected.put(dir[1] + relative, ReleaseFiles.sha256(file));
                }
            }
        }
        Map<String, String> inEtc = new TreeMap<>(ReleaseFiles.files(ReleaseFiles.zip()));
        inEtc.keySet().removeIf(name -> !name.startsWith(etc));
        assertThat(inEtc).isEqualTo(expected);
        assertThat(expected).as("the check saw the files").containsKeys(etc + "ltx-source.json", etc + "schema-registry/ltx-sink-avro.json",
                etc + "schemas/terminal-event-v1.avsc", etc + "schemas/generation-request-v1.schema.json");
    }

    @Test
    void bothArchivesAreAttachedWithTheClassifierPlugin() {
        assertThat(ReleaseFiles.sha512(ReleaseFiles.attached("plugin", "zip")))
                .as("%s:%s:%s:zip:plugin", ReleaseFiles.groupId(), ReleaseFiles.artifactId(), ReleaseFiles.version())
                .isEqualTo(ReleaseFiles.sha512(ReleaseFiles.zip()));
        assertThat(ReleaseFiles.sha512(ReleaseFiles.attached("plugin", "tar.gz")))
                .as("%s:%s:%s:tar.gz:plugin", ReleaseFiles.groupId(), ReleaseFiles.artifactId(), ReleaseFiles.version())
                .isEqualTo(ReleaseFiles.sha512(ReleaseFiles.tarGz()));
    }

    @Test
    void publishedPomHasItsVersionResolvedAndNoTestDependencies() throws IOException {
        String pom = Files.readString(ReleaseFiles.publishedPom());
        assertThat(pom).contains("<artifactId>" + ReleaseFiles.artifactId() + "</artifactId>")
                .contains("<version>" + ReleaseFiles.version() + "</version>")
                .doesNotContain("${").doesNotContain("<scope>test</scope>").doesNotContain("<build>");
    }

    /**
     * Confluent's kafka-connect-maven-plugin writes Confluent Hub's manifest.json from this model; the zip's
     * manifest must read into it with nothing left over, name both component types and carry the build version.
     */
    @Test
    void manifestFitsConfluentsComponentManifestModel() throws IOException {
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String root = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + "/";
        try (ZipFile zip = new ZipFile(ReleaseFiles.zip().toFile())) {
            byte[] manifest = zip.getInputStream(zip.getEntry(root + "manifest.json")).readAllBytes();
            PluginMetadata metadata = strict.readValue(manifest, PluginMetadata.class);
            assertThat(metadata.getName()).isEqualTo(ReleaseFiles.artifactId());
            assertThat(metadata.getVersion()).isEqualTo(ReleaseFiles.version());
            assertThat(metadata.getPluginTypes()).containsExactlyInAnyOrder(PluginType.SINK_CONNECTOR, PluginType.SOURCE_CONNECTOR);
            assertThat(metadata.getOwner().getUsername()).as("Confluent Hub's owner name rule").matches("[a-zA-Z0-9][a-zA-Z0-9_-]*");
            JsonNode tree = strict.readTree(manifest);
            assertThat(tree.path("license").get(0).path("name").asText()).contains("Apache");
        }
    }
}
