package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Kubernetes resources of a folder of YAML files (recursively; a file may hold several, separated by ---). */
final class KubeManifests {

    /** One resource: where it is written and what it says. */
    record Manifest(Path file, int index, JsonNode resource) {
        String kind() {
            return resource.path("kind").asText();
        }

        String name() {
            return resource.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + (index > 0 ? " #" + (index + 1) : "") + " (" + kind() + " " + name() + ")";
        }
    }

    private KubeManifests() {
    }

    static List<Manifest> read(Path dir) {
        List<Manifest> manifests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                manifests.addAll(readFile(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifests;
    }

    static List<Manifest> readFile(Path file) {
        List<Manifest> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    manifests.add(new Manifest(file, index++, doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return manifests;
    }
}
