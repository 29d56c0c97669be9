package io.ltx2.connect.docgen;

import org.apache.kafka.common.config.ConfigDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the configuration reference from the {@code ConfigDef}s, so the docs cannot drift from
 * the code: {@code ConfigDocsTest} fails when {@code docs/config-reference.md} is stale. Regenerate
 * with {@code mvn -q test-compile exec:java -Dexec.mainClass=io.ltx2.connect.docgen.ConfigDocs -Dexec.args=docs/config-reference.md}
 * (a test source root, {@code src/docgen/java}: the generator is a build tool and never ships in the plugin).
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String reference() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("Generated from the connectors' `ConfigDef`s by `io.ltx2.connect.docgen.ConfigDocs`; do not edit by hand.\n")
                .append("Both connectors accept the keys of the groups API, API transport and Tracking topic. The framework's own keys ")
                .append("(`topics`, `errors.*`, `tasks.max`, `exactly.once.support`, ...) are documented by Kafka Connect.\n\n");
        for (Map.Entry<String, ConfigDef> e : connectors().entrySet()) {
            out.append(section(e.getKey(), e.getValue()));
        }
        return out.toString();
    }

    /** The documented connectors, in order. */
    static Map<String, ConfigDef> connectors() {
        Map<String, ConfigDef> defs = new LinkedHashMap<>();
        for (String[] c : new String[][]{
                {"Sink connector (`io.ltx2.connect.LtxSinkConnector`)", "io.ltx2.connect.config.LtxSinkConfig"},
                {"Source connector (`io.ltx2.connect.LtxSourceConnector`)", "io.ltx2.connect.config.LtxSourceConfig"}}) {
            defs.put(c[0], configDefOf(c[1]));
        }
        return defs;
    }

    private static ConfigDef configDefOf(String className) {
        try {
            return (ConfigDef) Class.forName(className).getMethod("configDef").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the ConfigDef of " + className, e);
        }
    }

    static String section(String title, ConfigDef def) {
        StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
        Map<String, List<ConfigDef.ConfigKey>> byGroup = new LinkedHashMap<>();
        for (String group : def.groups()) {
            byGroup.put(group, new ArrayList<>());
        }
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            byGroup.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>()).add(key);
        }
        for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : byGroup.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            group.getValue().sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
            out.append("### ").append(group.getKey()).append("\n\n")
                    .append("| key | type | default | valid values | importance | description |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : group.getValue()) {
                out.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase()).append(" | ")
                        .append(defaultOf(key)).append(" | ")
                        .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase()).append(" | ")
                        .append(cell(key.documentation)).append(" |\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "[hidden]";
        }
        String v = key.defaultValue instanceof List<?> list ? String.join(",", list.stream().map(Object::toString).toList())
                : key.defaultValue.toString();
        return v.isEmpty() ? "\"\"" : "`" + v + "`";
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/config-reference.md");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, reference(), StandardCharsets.UTF_8);
        System.out.println("wrote " + target);
    }
}
