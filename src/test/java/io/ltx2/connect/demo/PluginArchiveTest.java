package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginArchiveTest {

    @TempDir
    Path tmp;

    private Path zip(Map<String, String> entries) throws IOException {
        Path zip = tmp.resolve("p.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void unpacksIntoPluginPathAndReturnsThePluginFolder() throws IOException {
        Path pluginPath = tmp.resolve("plugins");
        Files.createDirectories(pluginPath.resolve("stale"));
        Path root = PluginArchive.unpack(zip(Map.of("p-1.0/manifest.json", "{}", "p-1.0/lib/p.jar", "jar")), pluginPath);

        assertThat(root).isEqualTo(pluginPath.toAbsolutePath().normalize().resolve("p-1.0"));
        assertThat(root.resolve("lib/p.jar")).hasContent("jar");
        assertThat(pluginPath.resolve("stale")).as("emptied first").doesNotExist();
    }

    @Test
    void refusesAnArchiveWithoutManifestAndLib() throws IOException {
        Path zip = zip(Map.of("p-1.0/README.md", "hi"));
        assertThatThrownBy(() -> PluginArchive.unpack(zip, tmp.resolve("plugins")))
                .isInstanceOf(UncheckedIOException.class).hasRootCauseMessage(zip + " is not a plugin archive: no <name>-<version>/manifest.json and lib/");
    }

    @Test
    void refusesEntriesThatEscapeTheTargetFolder() throws IOException {
        Path zip = zip(Map.of("../evil.txt", "x"));
        assertThatThrownBy(() -> PluginArchive.unpack(zip, tmp.resolve("plugins")))
                .hasRootCauseMessage("entry outside the target folder: ../evil.txt");
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
    }
}
