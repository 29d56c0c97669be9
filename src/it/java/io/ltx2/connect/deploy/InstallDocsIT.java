package io.ltx2.connect.deploy;

import io.ltx2.connect.deploy.KubeManifests.Manifest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/install.md's snippets against what they name: the files, this release's version and coordinates, the
 * placeholder and URL of the zip build, the figures of the archive, and the KafkaUser's ACLs.
 */
class InstallDocsIT {

    private static final Path DOC = Path.of("docs", "install.md");

    private static String doc() throws IOException {
        return Files.readString(DOC);
    }

    @Test
    void everyFileItNamesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        Matcher m = Pattern.compile("(?:deploy/strimzi|docker|config)/[\\w./-]+\\.(?:yaml|yml|json|properties)|docker/Dockerfile").matcher(doc());
        int found = 0;
        while (m.find()) {
            found++;
            if (!Files.exists(Path.of(m.group()))) {
                missing.add(m.group());
            }
        }
        assertThat(found).as("paths named").isGreaterThan(10);
        assertThat(missing).isEmpty();
    }

    @Test
    void itNamesThisReleaseAndItsCoordinates() throws IOException {
        String release = ReleaseFiles.releaseVersion();
        Matcher versions = Pattern.compile(Pattern.quote(ReleaseFiles.artifactId()) + "-(\\d+\\.\\d+\\.\\d+)").matcher(doc());
        while (versions.find()) {
            assertThat(versions.group(1)).as("the version in %s", versions.group()).isEqualTo(release);
        }
        assertThat(doc()).contains("`" + ReleaseFiles.groupId() + ":" + ReleaseFiles.artifactId() + ":" + release + ":zip:plugin`")
                .contains("`" + ReleaseFiles.groupId() + ":" + ReleaseFiles.artifactId() + ":" + release + ":tar.gz:plugin`")
                .contains("-Drevision=" + release);
    }

    @Test
    void zipBuildSnippetFillsTheFilesPlaceholderFromTheChecksumBesideItsUrl() throws IOException {
        Manifest zipBuild = KubeManifests.readFile(Path.of("deploy", "strimzi", "kafka-connect-zip.yaml")).get(0);
        var artifact = zipBuild.resource().path("spec").path("build").path("plugins").get(0).path("artifacts").get(0);
        assertThat(doc()).contains("curl -sL " + artifact.path("url").asText() + ".sha512 | cut -d' ' -f1")
                .contains("sed \"s/" + artifact.path("sha512sum").asText() + "/$SHA512/\" deploy/strimzi/kafka-connect-zip.yaml");
    }

    @Test
    void figuresAreTheArchives() throws IOException {
        String lib = ReleaseFiles.artifactId() + "-" + ReleaseFiles.version() + "/lib/";
        long bundled = ReleaseFiles.files(ReleaseFiles.zip()).keySet().stream().filter(n -> n.startsWith(lib) && n.endsWith(".jar")).count() - 1;
        Matcher m = Pattern.compile("the (\\d+) jars (?:it|the zip) bundles").matcher(doc());
        int found = 0;
        while (m.find()) {
            found++;
            assertThat(Long.parseLong(m.group(1))).as(m.group()).isEqualTo(bundled);
        }
        assertThat(found).isEqualTo(2);
    }

    @Test
    void aclTableNamesTheKafkaUsersResources() throws IOException {
        String table = doc().substring(doc().indexOf("### The KafkaUser's ACLs"), doc().indexOf("### Offsets and stops with Strimzi"));
        Manifest user = KubeManifests.readFile(Path.of("deploy", "strimzi", "kafka-user.yaml")).get(0);
        List<String> undocumented = new ArrayList<>();
        for (var acl : user.resource().path("spec").path("authorization").path("acls")) {
            String name = acl.path("resource").path("name").asText();
            // a name, or its last part after the first of a list (`ltx-connect-configs`, `-offsets`, `-status`)
            if (!table.contains("`" + name) && !table.contains("`-" + name.substring(name.lastIndexOf('-') + 1) + "`")) {
                undocumented.add(name);
            }
            for (var op : acl.path("operations")) {
                assertThat(table).as("operation %s of %s", op.asText(), name).contains(op.asText());
            }
        }
        assertThat(undocumented).as("ACL resources of kafka-user.yaml missing from the table").isEmpty();
    }
}
