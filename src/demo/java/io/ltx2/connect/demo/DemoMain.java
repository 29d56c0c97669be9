package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one-command demo ({@code ./demo.sh}): starts a KRaft broker, a Connect worker with the plugin
 * zip unpacked on its {@code plugin.path} and the API simulator, each in its own JVM; deploys both
 * connectors from {@code config/} over the REST API; writes sample requests; shows their progress by
 * reading the tracking and events topics; prints the events; stops everything, also on Ctrl-C.
 */
public final class DemoMain {

    private static final Duration CONNECTOR_START_TIMEOUT = Duration.ofSeconds(90);
    private static final String DEFAULT_EVENTS_TOPIC = "ltx.events";
    private static final String DEFAULT_TRACKING_TOPIC = "ltx.tasks";
    static final int PARTITIONS = 3;
    /** The key the started simulator accepts; the demo configs carry the same. */
    static final String SIMULATOR_KEY = "demo-key";

    /** Set by the shutdown hook: errors after it are the consequence of Ctrl-C, not failures. */
    private static volatile boolean interrupted;

    private final DemoOptions options;
    private final long startNanos = System.nanoTime();
    private final int callbackPort = FreePorts.pick();
    private final String callbackToken = UUID.randomUUID().toString().replace("-", "");
    private DemoArchive archive;

    DemoMain(DemoOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(DemoOptions.USAGE);
            return;
        }
        int code;
        try {
            code = new DemoMain(options).run();
        } catch (RuntimeException e) {
            if (interrupted) {
                return;
            }
            System.err.println("Demo failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println("  caused by: " + cause);
            }
            code = 1;
        }
        System.exit(code);
    }

    int run() {
        say("LTX-2 Kafka Connect demo (%s mode%s): starting %s", options.callback() ? "callback" : "polling",
                options.archive() ? ", videos archived to S3" : "",
                options.usesLocalSimulator() ? "broker, worker and simulator" : "against " + options.apiUrl());
        DemoEnvironment.Settings settings = new DemoEnvironment.Settings(options.runDir(), options.runtimeDir(), pluginZip(),
                options.configDir().resolve("worker-distributed.properties"), options.bootstrap(), options.connectUrl(),
                options.apiUrl(), options.timeScale(), SIMULATOR_KEY);
        // On Ctrl-C, JavaProcess's own exit hook stops the children (newest first); this one only
        // says so, and keeps the main thread from reporting the resulting errors as a failure.
        Thread hook = new Thread(() -> {
            interrupted = true;
            System.out.println();
            say("Interrupted: stopping what the demo started");
        }, "demo-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        DemoEnvironment env = null;
        try {
            archive = options.archive() ? DemoArchive.start(line -> say("  %s", line)) : null;
            env = DemoEnvironment.start(settings, line -> say("  %s", line));
            return runPipeline(env);
        } finally {
            if (env != null) {
                env.close();
            }
            if (archive != null) {
                archive.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            if (env != null && !interrupted) {
                reportStopped(env.processes());
            }
        }
    }

    private int runPipeline(DemoEnvironment env) {
        ConnectorConfigFile sink = connectorConfig("sink", env);
        ConnectorConfigFile source = connectorConfig("source", env);
        String requestTopic = sink.config().get("topics").split(",")[0].trim();
        String trackingTopic = sink.config().getOrDefault("ltx.tracking.topic", DEFAULT_TRACKING_TOPIC);
        String eventsTopic = source.config().getOrDefault("ltx.events.topic", DEFAULT_EVENTS_TOPIC);
        String dlqTopic = sink.config().get("errors.deadletterqueue.topic.name");

        DemoTopics.create(env.bootstrapServers(), List.of(requestTopic, trackingTopic, eventsTopic), PARTITIONS, dlqTopic);
        long dlqBefore = dlqTopic == null ? 0 : DemoTopics.recordCount(env.bootstrapServers(), dlqTopic);

        for (ConnectorConfigFile connector : List.of(sink, source)) {
            long t0 = System.nanoTime();
            env.connect().putConnector(connector.name(), connector.restConfig());
            env.connect().restartFailed(connector.name());  // left failed by an earlier run on the same cluster
            env.connect().awaitRunning(connector.name(), CONNECTOR_START_TIMEOUT);
            say("  connector %-10s RUNNING  (%s, tasks.max %s, %.1f s)", connector.name(),
                    simpleName(connector.config().get("connector.class")), connector.config().get("tasks.max"), seconds(t0));
        }

        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        List<SampleRequest> requests = SampleRequest.demoSet("demo-" + runId);
        DemoTopics.produce(env.bootstrapServers(), requestTopic, requests);
        say("Wrote %d requests to %s: the four modes, one #violation prompt, two invalid requests", requests.size(), requestTopic);

        Set<String> ids = requests.stream().map(SampleRequest::requestId).collect(Collectors.toSet());
        PipelineMonitor.Progress progress;
        Map<String, JsonNode> events;
        int duplicates;
        try (PipelineMonitor monitor = new PipelineMonitor(env.bootstrapServers(), trackingTopic, eventsTopic, ids)) {
            progress = follow(monitor, requests.size(), env.connect(), List.of(sink.name(), source.name()));
            events = monitor.events();
            duplicates = monitor.duplicateEvents();
        }

        say("Events on %s (key = request id):", eventsTopic);
        boolean asExpected = true;
        for (SampleRequest request : requests) {
            JsonNode event = events.get(request.requestId());
            String state = event == null ? "(none)" : event.path("state").asText();
            boolean ok = options.usesRealApi() || request.expectedState().equals(state);
            asExpected &= ok;
            System.out.printf("  %-18s %-34s %-9s %s%s%n", request.requestId(), request.label(), state,
                    event == null ? "" : detail(event), ok ? "" : "   <-- expected " + request.expectedState());
        }
        long dlq = dlqTopic == null ? 0 : DemoTopics.recordCount(env.bootstrapServers(), dlqTopic) - dlqBefore;
        env.simulator().ifPresent(sim -> say("Simulator calls: %s", simulatorStats(sim)));
        boolean complete = progress.terminal() == requests.size();
        say("%s: %d requests -> %d succeeded, %d failed, %d rejected; %d DLQ records; %d duplicate events",
                complete ? "Done" : "INCOMPLETE", requests.size(),
                progress.succeeded(), progress.failed(), progress.rejected(), dlq, duplicates);
        if (archive != null) {
            asExpected &= archive.report(events, line -> say("%s", line));
        }
        if (!asExpected) {
            say("Some events did not have the expected state or archive (see above).");
        }
        return complete && asExpected && duplicates == 0 ? 0 : 1;
    }

    /**
     * Polls until every request has its event, the timeout passes, or a connector task fails (a
     * wrong API key, say), printing the counts when they change.
     */
    private PipelineMonitor.Progress follow(PipelineMonitor monitor, int expected, ConnectRestClient connect, List<String> connectors) {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        long nextHealthCheck = 0;
        String last = "";
        PipelineMonitor.Progress progress = monitor.progress();
        while (progress.terminal() < expected && System.nanoTime() < deadline) {
            progress = monitor.poll(Duration.ofMillis(500));
            String line = progress.line();
            if (!line.equals(last)) {
                say("  %s", line);
                last = line;
            }
            if (System.nanoTime() > nextHealthCheck) {
                nextHealthCheck = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                for (String name : connectors) {
                    Optional<String> failure = connect.failure(name);
                    if (failure.isPresent()) {
                        say("Connector %s: %s", name, failure.get());
                        return progress;
                    }
                }
            }
        }
        return progress;
    }

    private ConnectorConfigFile connectorConfig(String kind, DemoEnvironment env) {
        String file = (options.usesRealApi() ? "ltx-" : "demo-ltx-") + kind + ".json";
        ConnectorConfigFile config = ConnectorConfigFile.read(options.configDir().resolve(file));
        Map<String, String> overrides = new HashMap<>();
        overrides.put("ltx.api.url", env.apiUrl());
        overrides.put("ltx.tracking.bootstrap.servers",
                options.connectorBootstrap() != null ? options.connectorBootstrap() : env.bootstrapServers());
        if (options.apiKeyFile() != null) {
            // the worker resolves it (config.providers=file); the key never passes through the demo
            overrides.put("ltx.api.key", "${file:" + options.apiKeyFile().toAbsolutePath() + ":api.key}");
        }
        if (!options.usesRealApi() && kind.equals("source")) {
            overrides.put("ltx.poll.time.scale", Double.toString(options.timeScale()));
        }
        if (options.callback()) {
            overrides.putAll(callbackOverrides(kind.equals("source"), callbackPort, callbackToken));
        }
        if (archive != null && kind.equals("source")) {
            overrides.putAll(archive.sourceOverrides());
        }
        if (options.bootstrap() == null && config.config().containsKey("errors.deadletterqueue.topic.replication.factor")) {
            overrides.put("errors.deadletterqueue.topic.replication.factor", "1");
        }
        return config.with(overrides);
    }

    /**
     * Callback mode on loopback: the source hosts the webhook receiver on {@code port}, the sink asks
     * the API to call it, with the token as the URL's last path segment.
     */
    static Map<String, String> callbackOverrides(boolean source, int port, String token) {
        return source
                ? Map.of("ltx.callback.enabled", "true",
                        "ltx.callback.listener.host", FreePorts.LOOPBACK,
                        "ltx.callback.listener.port", Integer.toString(port),
                        "ltx.callback.token", token)
                : Map.of("ltx.request.type", "callback",
                        "ltx.callback.url", "http://" + FreePorts.LOOPBACK + ":" + port + "/callback/" + token);
    }

    private static String detail(JsonNode event) {
        return switch (event.path("state").asText()) {
            case "success" -> {
                JsonNode urls = event.path("resultUrls");
                String url = urls.isArray() && urls.size() > 0 ? urls.get(0).asText() : "(no URL)";
                yield url + (event.hasNonNull("costTime") ? String.format(" (generated in %.1f s)", event.get("costTime").asLong() / 1000.0) : "");
            }
            default -> event.path("failCode").asText("") + ": " + event.path("failMsg").asText("");
        };
    }

    /** The simulator's counters that show what the pipeline cost: calls, duplicates, throttling. */
    private static String simulatorStats(LocalSimulator simulator) {
        try {
            JsonNode stats = simulator.stats();
            return STATS_SHOWN.stream().filter(stats::has)
                    .map(f -> f + " " + (stats.get(f).isFloatingPointNumber() ? String.format("%.2f", stats.get(f).asDouble()) : stats.get(f).asText()))
                    .collect(Collectors.joining(", "));
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    private static final List<String> STATS_SHOWN = List.of("createCalls", "statusCalls", "meanStatusCallsPerTask",
            "duplicateSubmissions", "rateLimited", "callbacksDelivered");

    private void reportStopped(List<JavaProcess> processes) {
        if (processes.isEmpty()) {
            return;
        }
        List<String> left = processes.stream().filter(JavaProcess::isAlive).map(p -> p.name() + " " + p.pid()).toList();
        say("Stopped %s; %s. Total %.1f s (logs in %s)",
                processes.stream().map(p -> p.name() + " (" + p.pid() + ")").collect(Collectors.joining(", ")),
                left.isEmpty() ? "no process left behind" : "STILL RUNNING: " + left, seconds(startNanos), options.runDir());
    }

    private Path pluginZip() {
        if (options.pluginZip() != null) {
            return options.pluginZip();
        }
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("ltx2-kafka-connect-.*\\.zip"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))  // the newest build
                    .orElse(Path.of("target", "ltx2-kafka-connect.zip"));
        } catch (IOException e) {
            return Path.of("target", "ltx2-kafka-connect.zip");
        }
    }

    private void say(String format, Object... args) {
        System.out.printf("[%5.1fs] %s%n", seconds(startNanos), String.format(format, args));
    }

    private static String simpleName(String className) {
        return className == null ? "?" : className.substring(className.lastIndexOf('.') + 1);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
