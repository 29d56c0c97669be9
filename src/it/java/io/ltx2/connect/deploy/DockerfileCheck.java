package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What can be checked of docker/Dockerfile without a Docker engine: its instructions as Docker reads them (comments,
 * line continuations, ARG defaults in FROM), and against the build context they name: the base image, every COPY
 * source present after {@code mvn package} and sent by .dockerignore, the plugin copied onto the {@code plugin.path}
 * of the worker configuration that CMD starts.
 */
final class DockerfileCheck {

    /** One instruction: its keyword (upper case) and its arguments, a JSON array already split. */
    record Instruction(String keyword, List<String> args) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    private DockerfileCheck() {
    }

    static List<Instruction> parse(Path dockerfile) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        try {
            for (String raw : Files.readAllLines(dockerfile)) {
                String trimmed = raw.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && line.length() == 0)) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    line.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                line.append(trimmed);
                String[] parts = line.toString().strip().split("\\s+", 2);
                String rest = parts.length > 1 ? parts[1] : "";
                List<String> args = rest.startsWith("[") ? jsonArray(rest) : List.of(rest.split("\\s+"));
                instructions.add(new Instruction(parts[0].toUpperCase(java.util.Locale.ROOT), args));
                line.setLength(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instructions;
    }

    private static List<String> jsonArray(String json) {
        try {
            List<String> args = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(json)) {
                args.add(n.asText());
            }
            return args;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON array: " + json, e);
        }
    }

    /** The base image, with the ARG defaults declared before FROM substituted. */
    static String baseImage(List<Instruction> instructions) {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("ARG")) {
                String[] kv = i.args().get(0).split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else if (i.keyword().equals("FROM")) {
                Matcher m = VARIABLE.matcher(i.args().get(0));
                return m.replaceAll(r -> Matcher.quoteReplacement(args.getOrDefault(r.group(1), "")));
            }
        }
        return "";
    }

    /**
     * Problems of the Dockerfile against its build context: each an instruction and what is wrong with it.
     * {@code pluginFolder} is the folder the plugin zip unpacks to ({@code <name>-<version>}).
     */
    static List<String> problems(Path dockerfile, Path context, String expectedBase, String pluginFolder) {
        List<Instruction> instructions = parse(dockerfile);
        List<String> problems = new ArrayList<>();
        if (instructions.stream().filter(i -> i.keyword().equals("FROM")).count() != 1 || !baseImage(instructions).equals(expectedBase)) {
            problems.add("FROM: one stage on " + expectedBase + ", not " + baseImage(instructions));
        }
        List<String> ignore = dockerignore(context);
        Map<String, String> copies = new LinkedHashMap<>();
        for (Instruction i : instructions) {
            if ((i.keyword().equals("COPY") || i.keyword().equals("ADD")) && i.args().stream().noneMatch(a -> a.startsWith("--from"))) {
                List<String> paths = i.args().stream().filter(a -> !a.startsWith("--")).toList();
                for (String source : paths.subList(0, paths.size() - 1)) {
                    copies.put(source, paths.get(paths.size() - 1));
                    if (!Files.exists(context.resolve(source))) {
                        problems.add(i.keyword() + " " + source + ": not in the build context " + context + " (after mvn package)");
                    } else if (ignored(context, ignore, source)) {
                        problems.add(i.keyword() + " " + source + ": excluded by .dockerignore");
                    }
                }
            }
        }
        List<String> cmd = instructions.stream().filter(i -> i.keyword().equals("CMD")).map(Instruction::args).reduce((a, b) -> b).orElse(List.of());
        if (cmd.size() != 2 || !cmd.get(0).equals("/opt/kafka/bin/connect-distributed.sh")) {
            problems.add("CMD: /opt/kafka/bin/connect-distributed.sh <worker properties>, not " + cmd);
            return problems;
        }
        String propertiesSource = copies.entrySet().stream().filter(e -> e.getValue().equals(cmd.get(1))).map(Map.Entry::getKey).findFirst().orElse(null);
        if (propertiesSource == null || !Files.isRegularFile(context.resolve(propertiesSource))) {
            problems.add("CMD: starts " + cmd.get(1) + ", which no COPY puts in the image");
            return problems;
        }
        String pluginPath = workerProperties(context.resolve(propertiesSource)).getProperty("plugin.path", "").replaceAll("/$", "");
        String pluginSource = copies.entrySet().stream().filter(e -> e.getValue().replaceAll("/$", "").equals(pluginPath))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (pluginSource == null) {
            problems.add("COPY: nothing copied to the worker's plugin.path " + pluginPath);
        } else if (!Files.isRegularFile(context.resolve(pluginSource).resolve(pluginFolder).resolve("manifest.json"))) {
            problems.add("COPY " + pluginSource + ": no " + pluginFolder + "/manifest.json in it: not the unpacked plugin of this build");
        }
        return problems;
    }

    static Properties workerProperties(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static List<String> dockerignore(Path context) {
        Path file = context.resolve(".dockerignore");
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Docker's rule: the last pattern that matches the path or one of its parent folders decides, a {@code !}
     * pattern re-including. Every file under {@code source} must be sent.
     */
    static boolean ignored(Path context, List<String> patterns, String source) {
        Path root = context.resolve(source);
        List<String> files = new ArrayList<>(List.of(source.replaceAll("/$", "")));
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile).forEach(f -> files.add(context.relativize(f).toString().replace('\\', '/')));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files.stream().anyMatch(f -> excluded(patterns, f));
    }

    private static boolean excluded(List<String> patterns, String file) {
        boolean excluded = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String glob = (negated ? p.substring(1) : p).replaceAll("^/|/$", "");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (Path candidate = Path.of(file); candidate != null; candidate = candidate.getParent()) {
                if (matcher.matches(candidate)) {
                    excluded = !negated;
                    break;
                }
            }
        }
        return excluded;
    }
}
