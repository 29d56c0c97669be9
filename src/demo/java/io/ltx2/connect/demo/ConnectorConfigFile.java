package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connector config in the Connect REST API's shape, {@code {"name": ..., "config": {...}}}, as the
 * files in {@code config/} hold it. The demo deploys those files, changing only the keys that
 * depend on the run (addresses, ports, time scale).
 */
public record ConnectorConfigFile(String name, Map<String, String> config) {

    public ConnectorConfigFile {
        config = Map.copyOf(config);
    }

    public static ConnectorConfigFile read(Path file) {
        try {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            String name = root.path("name").asText(null);
            if (name == null || !root.path("config").isObject()) {
                throw new IllegalArgumentException(file + " is not a connector config: {\"name\": ..., \"config\": {...}} expected");
            }
            Map<String, String> config = new LinkedHashMap<>();
            root.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            return new ConnectorConfigFile(name, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** This config with {@code overrides} applied. */
    public ConnectorConfigFile with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(config);
        merged.putAll(overrides);
        return new ConnectorConfigFile(name, merged);
    }

    /** The same config under another connector name. */
    public ConnectorConfigFile renamed(String newName) {
        return new ConnectorConfigFile(newName, config);
    }

    /** The config to PUT, with the name included as Connect stores it. */
    public Map<String, String> restConfig() {
        Map<String, String> withName = new LinkedHashMap<>(config);
        withName.put("name", name);
        return withName;
    }
}
