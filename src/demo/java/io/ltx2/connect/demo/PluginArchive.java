package io.ltx2.connect.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Unpacks the plugin zip the way an operator does: into a folder that {@code plugin.path} names. */
public final class PluginArchive {

    private PluginArchive() {
    }

    /**
     * Unpacks {@code zip} into {@code pluginPath} (emptied first) and returns the plugin's own folder
     * ({@code pluginPath/<name>-<version>}). Use {@code pluginPath} as the worker's {@code plugin.path}.
     */
    public static Path unpack(Path zip, Path pluginPath) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no plugin archive at " + zip + " (build it with mvn package)");
        }
        try {
            DemoFiles.deleteRecursively(pluginPath);
            Files.createDirectories(pluginPath);
            Path root = null;
            Path base = pluginPath.toAbsolutePath().normalize();
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    Path target = base.resolve(entry.getName()).normalize();
                    if (!target.startsWith(base)) {
                        throw new IOException("entry outside the target folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        copy(in, target);
                    }
                    if (root == null) {
                        root = base.resolve(base.relativize(target).getName(0));
                    }
                }
            }
            if (root == null || !Files.isRegularFile(root.resolve("manifest.json")) || !Files.isDirectory(root.resolve("lib"))) {
                throw new IOException(zip + " is not a plugin archive: no <name>-<version>/manifest.json and lib/");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
    }

    private static void copy(InputStream in, Path target) throws IOException {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
