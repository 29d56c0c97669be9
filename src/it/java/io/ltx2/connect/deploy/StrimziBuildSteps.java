package io.ltx2.connect.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps that Strimzi's KafkaConnect build runs for a plugin artifact (its KafkaConnectDockerfile), run here on
 * this machine instead of in an image build: for {@code type: zip}, the download checked with {@code sha512sum -c}
 * against the resource's {@code sha512sum}, then unpacked; for {@code type: maven}, the artifact's pom fetched,
 * {@code mvn dependency:copy-dependencies} on it with the resource's {@code includeScope} (empty when unset, as
 * Strimzi passes it) and a settings file naming the resource's repository, then the artifact's jar fetched beside.
 * Each artifact lands in {@code <plugin.path>/<plugin name>/<hash>/}, where Connect finds the plugin.
 */
final class StrimziBuildSteps {

    private StrimziBuildSteps() {
    }

    /** {@code echo "<sha512sum> <file>" > f.sha512 && sha512sum -c f.sha512}: true when it passes. */
    static boolean sha512sumCheck(Path file, String sha512sum) {
        try {
            Path sumFile = file.resolveSibling(file.getFileName() + ".sha512");
            Files.writeString(sumFile, sha512sum + " " + file + "\n");
            try {
                return run(List.of("sha512sum", "-c", sumFile.toString()), file.getParent()) == 0;
            } finally {
                Files.delete(sumFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code type: maven} steps for the artifact {@code groupId:artifactId:version} of {@code repository} into
     * {@code artifactDir}; {@code includeScope} empty as Strimzi passes it when the resource sets none.
     */
    static void mavenArtifact(Path repository, String groupId, String artifactId, String version, String includeScope,
                              Path artifactDir, Path work) {
        try {
            Path versionDir = repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version);
            Files.createDirectories(work);
            Path pom = Files.copy(versionDir.resolve(artifactId + "-" + version + ".pom"), work.resolve("pom.xml")); // curl ... pom
            Path settings = work.resolve("settings.xml");
            Files.writeString(settings, "<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\"><profiles><profile><id>download</id>"
                    + "<repositories><repository><id>custom-repo</id><url>" + repository.toUri() + "</url></repository></repositories>"
                    + "</profile></profiles><activeProfiles><activeProfile>download</activeProfile></activeProfiles></settings>",
                    StandardCharsets.UTF_8);
            // Offline: every artifact the plugin depends on is in the local repository once this build has resolved it.
            List<String> mvn = List.of(Path.of(System.getProperty("ltx.maven.home"), "bin", "mvn").toString(), "-B", "-q", "-o",
                    "-s", settings.toString(), "-Dmaven.repo.local=" + System.getProperty("ltx.maven.repo.local"),
                    "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                    "-DoutputDirectory=" + artifactDir, "-DincludeScope=" + includeScope, "-f", pom.toString());
            assertThat(run(mvn, work)).as("%s (output in %s)", String.join(" ", mvn), work.resolve("mvn.log")).isZero();
            Files.copy(versionDir.resolve(artifactId + "-" + version + ".jar"), artifactDir.resolve(artifactId + "-" + version + ".jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int run(List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(Path.of(command.get(0)).getFileName() + ".log").toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted: " + command, e);
        }
    }
}
