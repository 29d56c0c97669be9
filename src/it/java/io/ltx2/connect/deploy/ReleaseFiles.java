package io.ltx2.connect.deploy;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release files that {@code mvn package} built, as the system properties of the failsafe configuration
 * name them.
 */
final class ReleaseFiles {

    private ReleaseFiles() {
    }

    static String version() {
        return property("ltx.plugin.version");
    }

    /** The version a release of this build gets: the build's, without {@code -SNAPSHOT}. */
    static String releaseVersion() {
        return version().replace("-SNAPSHOT", "");
    }

    static String groupId() {
        return property("ltx.project.groupId");
    }

    static String artifactId() {
        return property("ltx.project.artifactId");
    }

    static Path zip() {
        return existing(Path.of(property("ltx.plugin.zip")));
    }

    static Path tarGz() {
        Path zip = zip();
        return existing(zip.resolveSibling(artifactId() + "-" + version() + ".tar.gz"));
    }

    /** An attached archive as Maven resolved it by its coordinates (classifier, type) into target/attached/. */
    static Path attached(String classifier, String type) {
        return existing(Path.of(property("ltx.attached.dir"), artifactId() + "-" + version() + "-" + classifier + "." + type));
    }

    /** The pom that install and deploy publish (flatten-maven-plugin). */
    static Path publishedPom() {
        return existing(Path.of(property("ltx.flattened.pom")));
    }

    static Path pluginJar() {
        return existing(Path.of(property("ltx.plugin.jar")));
    }

    /**
     * A Maven repository that holds this build as a release of its version is published: the pom and the jar at
     * their repository paths (a SNAPSHOT's under their plain names, as in a local repository).
     */
    static Path repositoryOfThisBuild(Path dir) {
        try {
            Path versionDir = dir.resolve(groupId().replace('.', '/')).resolve(artifactId()).resolve(version());
            Files.createDirectories(versionDir);
            Files.copy(publishedPom(), versionDir.resolve(artifactId() + "-" + version() + ".pom"));
            Files.copy(pluginJar(), versionDir.resolve(artifactId() + "-" + version() + ".jar"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha512(Path file) {
        return digest(file, "SHA-512");
    }

    /** The digest {@link #files} gives each file of an archive. */
    static String sha256(Path file) {
        return digest(file, "SHA-256");
    }

    private static String digest(Path file, String algorithm) {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in, algorithm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of a .zip or .tar.gz archive, by its path in the archive, with the SHA-256 of its bytes. */
    static Map<String, String> files(Path archive) {
        Map<String, String> files = new TreeMap<>();
        try (InputStream raw = Files.newInputStream(archive)) {
            if (archive.toString().endsWith(".zip")) {
                ZipInputStream in = new ZipInputStream(raw);
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    if (!e.isDirectory()) {
                        files.put(e.getName(), digest(in, "SHA-256"));
                    }
                }
            } else {
                TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(raw));
                for (TarArchiveEntry e; (e = in.getNextTarEntry()) != null; ) {
                    assertThat(e.isSymbolicLink() || e.isLink()).as("link in %s: %s", archive, e.getName()).isFalse();
                    if (e.isFile()) {
                        files.put(e.getName(), digest(in, "SHA-256"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String digest(InputStream in, String algorithm) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by the failsafe configuration)", name).isNotBlank();
        return value;
    }

    private static Path existing(Path path) {
        assertThat(path).as("built by mvn package").exists();
        return path;
    }
}
