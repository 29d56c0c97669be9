package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged plugin in a real worker, as in production, on every Connect worker version users run
 * (3.7 to 4.4): a KRaft broker and a {@code ConnectDistributed} worker of that version run as separate
 * JVMs from a plain Kafka distribution's jars ({@code target/kafka-runtime-<version>}), with the built
 * zip unpacked on {@code plugin.path} (so the plugin loads in its own isolated class loader, with only
 * what the zip bundles), and the simulator in a third JVM. Both connectors are deployed over REST from
 * the files in {@code config/}, in polling and in callback mode.
 *
 * <p>Each version runs the same checks: the worker is that version, logs through its own backend
 * (reload4j on 3.x, log4j2 on 4.x) and is ready by {@code GET /health} (before 3.9, which lacks it, by {@code GET /connectors}); the plugin's sources compile against that
 * worker's Kafka APIs; each request ends as exactly one event of the expected state; and the plugin's
 * JMX metrics, read over remote JMX, count what happened. At the end the metric attribute names must be
 * the same on every version run. {@code mvn verify} runs the oldest and the newest version,
 * {@code -Pworker-matrix} all eight ({@code ltx.worker.versions}).
 */
@ParameterizedClass(name = "Connect worker {0}")
@MethodSource("versions")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealWorkerIT {

    private static final double TIME_SCALE = 0.05;
    private static final Duration EVENTS_TIMEOUT = Duration.ofSeconds(120);
    private static final int TASKS = 2;  // tasks.max of config/demo-ltx-*.json
    private static final Path RESULTS = Path.of("target", "real-worker-it");

    /** version -> "sink-task-metrics/poll" etc. -> attribute names, compared across versions after the last one. */
    private static final Map<String, Map<String, Set<String>>> METRIC_NAMES = new TreeMap<>();

    @Parameter
    WorkerVersion worker;

    private static DemoEnvironment env;
    private static List<JavaProcess> processes;
    private static WorkerJmx jmx;
    private static long startedAt;

    static Stream<WorkerVersion> versions() {
        return WorkerVersion.configured();
    }

    @BeforeParameterizedClassInvocation
    static void startBrokerWorkerAndSimulator(WorkerVersion worker) {
        startedAt = System.nanoTime();
        DemoEnvironment.Settings settings = new DemoEnvironment.Settings(
                RESULTS.resolve(worker.version()),
                worker.runtime().libDir(),
                Path.of(RealPipeline.requiredProperty("ltx.plugin.zip")),
                Path.of("config", "worker-distributed.properties"),
                null, null, null, TIME_SCALE, DemoMain.SIMULATOR_KEY);
        int jmxPort = FreePorts.pick();
        env = DemoEnvironment.start(settings, WorkerJmx.jvmArgs(jmxPort), line -> System.out.println("RealWorkerIT " + worker + ": " + line));
        processes = env.processes();
        jmx = WorkerJmx.connect(jmxPort, Duration.ofSeconds(30));
    }

    @AfterParameterizedClassInvocation
    static void stopExactlyWhatWasStarted(WorkerVersion worker) {
        if (jmx != null) {
            jmx.close();
            jmx = null;
        }
        if (env == null) {
            return;
        }
        env.close();
        env = null;
        System.out.printf("RealWorkerIT: Connect worker %s done in %.1f s (start, checks, stop)%n", worker, (System.nanoTime() - startedAt) / 1e9);
        assertThat(processes).hasSize(3);
        for (JavaProcess p : processes) {
            assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("%s (pid %d) stopped", p.name(), p.pid()).isFalse();
        }
    }

    /** The plugin publishes the same metrics whatever the worker's version: it uses no worker metrics API (KIP-877 is 4.1+). */
    @AfterAll
    static void everyVersionPublishesTheSameMetricNames() throws IOException {
        StringBuilder report = new StringBuilder();
        METRIC_NAMES.forEach((version, beans) -> beans.forEach((bean, names) ->
                report.append(version).append(' ').append(bean).append(' ').append(names.size()).append(' ').append(names).append('\n')));
        Files.createDirectories(RESULTS);
        Files.writeString(RESULTS.resolve("metric-names.txt"), report.toString());
        System.out.print("RealWorkerIT metric attribute names per worker version:\n" + report);
        Map<String, Set<String>> first = METRIC_NAMES.values().stream().findFirst().orElse(Map.of());
        METRIC_NAMES.forEach((version, beans) -> assertThat(beans)
                .as("metric attribute names on worker %s, against worker %s", version, METRIC_NAMES.keySet().iterator().next())
                .isEqualTo(first));
    }

    @Test
    @Order(1)
    void workerIsTheVersionUnderTestWithItsOwnLoggingAndHealthCheck() {
        assertThat(env.connect().workerVersion()).as("GET / of the worker").isEqualTo(worker.version());
        assertThat(worker.runtime().logging()).as("logging of the %s runtime", worker).isEqualTo(worker.logging());
        // KIP-1017 (3.9+): GET /health; an older worker answers 404 and readiness falls back to GET /connectors
        assertThat(env.connect().healthStatus()).as("GET /health on %s", worker).isEqualTo(worker.hasHealthEndpoint() ? 200 : 404);
        assertThat(env.connect().healthy()).isTrue();
    }

    @Test
    @Order(2)
    void workerListsBothConnectorsOfTheZipWithTheBuildVersion() {
        String version = RealPipeline.requiredProperty("ltx.plugin.version");
        Map<String, JsonNode> plugins = new HashMap<>();
        env.connect().connectorPlugins().forEach(p -> plugins.put(p.path("class").asText(), p));

        assertThat(plugins).containsKeys("io.ltx2.connect.LtxSinkConnector", "io.ltx2.connect.LtxSourceConnector");
        assertThat(plugins.get("io.ltx2.connect.LtxSinkConnector").path("type").asText()).isEqualTo("sink");
        assertThat(plugins.get("io.ltx2.connect.LtxSourceConnector").path("type").asText()).isEqualTo("source");
        assertThat(plugins.get("io.ltx2.connect.LtxSinkConnector").path("version").asText()).isEqualTo(version);
        assertThat(plugins.get("io.ltx2.connect.LtxSourceConnector").path("version").asText()).isEqualTo(version);
    }

    /**
     * Every Kafka and SLF4J API the plugin uses exists in this worker, on every code path, but the newer
     * ones it calls behind a guard (PluginSourceCompiler.GUARDED: KIP-877 plugin metrics before 4.1).
     */
    @Test
    @Order(3)
    void pluginSourcesCompileAgainstThisWorkersApis() throws IOException {
        Path lib;
        try (Stream<Path> plugins = Files.list(RESULTS.resolve(worker.version()).resolve("plugins"))) {
            lib = plugins.filter(Files::isDirectory).findFirst().orElseThrow().resolve("lib");
        }
        PluginSourceCompiler.Result result = PluginSourceCompiler.compile(worker, worker.runtime(), lib,
                RESULTS.resolve(worker.version()).resolve("compile-check"));
        result.guarded().forEach(e -> System.out.println("RealWorkerIT " + worker + ": guarded newer API, absent here: " + e));
        assertThat(result.errors()).as("src/main/java compiled against the connect-api, kafka-clients and slf4j-api of %s", worker).isEmpty();
    }

    @Test
    @Order(4)
    void pollingPipelineTurnsEachRequestIntoOneEvent() {
        runPipeline("poll", Map.of(), Map.of());
    }

    /** Callback mode: the receiver the source task starts inside the isolated plugin takes the simulator's webhooks. */
    @Test
    @Order(5)
    void callbackPipelineTurnsEachRequestIntoOneEvent() {
        int port = FreePorts.pick();
        String token = "real-worker-it-callback-token";
        runPipeline("cb", DemoMain.callbackOverrides(false, port, token), DemoMain.callbackOverrides(true, port, token));
    }

    /**
     * Deploys the demo's sink and source configs (own topics and connector names per mode), writes the
     * demo's eight requests, checks that each ends as exactly one event of the expected state, and that
     * the plugin's metrics say so.
     */
    private void runPipeline(String mode, Map<String, String> sinkExtra, Map<String, String> sourceExtra) {
        RealPipeline pipeline = RealPipeline.deploy(env, mode, TIME_SCALE, sinkExtra, sourceExtra);
        String bootstrap = env.bootstrapServers();
        List<SampleRequest> sent = SampleRequest.demoSet(mode);
        DemoTopics.produce(bootstrap, pipeline.requests(), sent);

        Set<String> ids = sent.stream().map(SampleRequest::requestId).collect(Collectors.toSet());
        try (PipelineMonitor monitor = pipeline.monitor(env, ids)) {
            long deadline = System.nanoTime() + EVENTS_TIMEOUT.toNanos();
            PipelineMonitor.Progress progress = monitor.progress();
            while (progress.terminal() < sent.size() && System.nanoTime() < deadline) {
                progress = monitor.poll(Duration.ofMillis(500));
            }
            // a little longer: a second event for a request would show up now
            monitor.poll(Duration.ofSeconds(2));

            assertThat(monitor.events().keySet()).as("one event per request; progress %s", progress.line()).isEqualTo(ids);
            assertThat(monitor.duplicateEvents()).isZero();
            for (SampleRequest request : sent) {
                JsonNode event = monitor.events().get(request.requestId());
                assertThat(event.path("requestId").asText()).isEqualTo(request.requestId());
                assertThat(event.path("state").asText()).as(request.label()).isEqualTo(request.expectedState());
                switch (request.expectedState()) {
                    case "success" -> {
                        assertThat(event.path("taskId").asText()).isNotEmpty();
                        assertThat(event.path("resultUrls").size()).as(request.label()).isPositive();
                    }
                    case "failed" -> assertThat(event.path("failCode").asText()).isEqualTo("CONTENT_VIOLATION");
                    default -> assertThat(event.path("failCode").asText()).isEqualTo("INVALID_REQUEST");
                }
            }
            assertThat(monitor.trackedRejected()).as("REJECTED tracking records")
                    .containsExactlyInAnyOrder(mode + "-07", mode + "-08");
        }
        if (!sourceExtra.isEmpty()) {
            assertThat(env.simulator().orElseThrow().stats().path("callbacksDelivered").asInt()).as("webhooks the receiver accepted").isGreaterThanOrEqualTo(6);
        }
        assertMetrics(pipeline, mode, sent);
    }

    /** The plugin's task MBeans, read over remote JMX as an operator's tool would, against what the pipeline did. */
    private void assertMetrics(RealPipeline pipeline, String mode, List<SampleRequest> sent) {
        List<SampleRequest> accepted = sent.stream().filter(r -> !r.expectedState().equals("rejected")).toList();
        long rejected = sent.size() - accepted.size();
        double videoSeconds = accepted.stream().mapToDouble(r -> ((Number) r.value().get("duration")).doubleValue()).sum();

        List<WorkerJmx.TaskBean> sink = jmx.tasks(WorkerJmx.SINK, pipeline.sinkName());
        assertThat(sink).as("sink task MBeans of %s on %s", pipeline.sinkName(), worker).hasSize(TASKS);
        assertThat(WorkerJmx.sum(sink, "requests-submitted-total")).as("requests-submitted-total").isEqualTo(accepted.size());
        assertThat(WorkerJmx.sum(sink, "requests-rejected-total")).as("requests-rejected-total").isEqualTo(rejected);
        assertThat(WorkerJmx.sum(sink, "video-seconds-submitted-total")).as("video-seconds-submitted-total").isEqualTo(videoSeconds);
        assertThat(WorkerJmx.sum(sink, "create-calls-total")).as("create-calls-total, retries included").isGreaterThanOrEqualTo(accepted.size());
        assertThat(WorkerJmx.sum(sink, "duplicates-skipped-total")).as("duplicates-skipped-total").isZero();
        assertThat(WorkerJmx.sum(sink, "creates-in-flight")).as("creates-in-flight").isZero();
        assertThat(WorkerJmx.sum(sink, "submit-ack-latency-ms-count")).as("submit-ack-latency-ms-count").isEqualTo(accepted.size());

        List<WorkerJmx.TaskBean> source = jmx.tasks(WorkerJmx.SOURCE, pipeline.sourceName());
        assertThat(source).as("source task MBeans of %s on %s", pipeline.sourceName(), worker).hasSize(TASKS);
        assertThat(WorkerJmx.sum(source, "events-success-total")).as("events-success-total").isEqualTo(count(sent, "success"));
        assertThat(WorkerJmx.sum(source, "events-failed-total")).as("events-failed-total").isEqualTo(count(sent, "failed"));
        assertThat(WorkerJmx.sum(source, "events-rejected-total")).as("events-rejected-total").isEqualTo(rejected);
        assertThat(WorkerJmx.sum(source, "outstanding-requests")).as("outstanding-requests").isZero();
        assertThat(WorkerJmx.sum(source, "duplicate-tasks-total")).as("duplicate-tasks-total").isZero();
        assertThat(WorkerJmx.sum(source, "status-calls-total")).as("status-calls-total").isPositive();
        if (mode.equals("cb")) {
            assertThat(WorkerJmx.sum(source, "callbacks-read-total")).as("callbacks-read-total").isGreaterThanOrEqualTo(accepted.size());
        }

        assertPluginMetricsCopy(pipeline, sink, source, accepted.size());

        Map<String, Set<String>> names = METRIC_NAMES.computeIfAbsent(worker.version(), v -> new TreeMap<>());
        names.put(WorkerJmx.SINK + "/" + mode, WorkerJmx.attributeNames(sink));
        names.put(WorkerJmx.SOURCE + "/" + mode, WorkerJmx.attributeNames(source));
    }

    /**
     * KIP-877 (Kafka 4.1+): the plugin also mirrors its metrics into the worker's plugin metrics
     * ({@code kafka.connect:type=plugins}), the same names and values; an older worker has no such API
     * and the guarded mirror leaves them out, nothing else.
     */
    private void assertPluginMetricsCopy(RealPipeline pipeline, List<WorkerJmx.TaskBean> sink, List<WorkerJmx.TaskBean> source, int submitted) {
        List<WorkerJmx.TaskBean> sinkCopy = jmx.pluginMetrics(pipeline.sinkName());
        List<WorkerJmx.TaskBean> sourceCopy = jmx.pluginMetrics(pipeline.sourceName());
        String told = "This Connect worker has no plugin metrics (KIP-877";
        String log = readWorkerLog();
        if (!worker.atLeast(4, 1)) {
            assertThat(sinkCopy).as("KIP-877 plugin metrics of the sink on %s (none before 4.1)", worker).isEmpty();
            assertThat(sourceCopy).as("KIP-877 plugin metrics of the source on %s (none before 4.1)", worker).isEmpty();
            assertThat(log).as("the worker's log says so, once per JVM, at INFO").containsOnlyOnce(told);
            return;
        }
        assertThat(log).doesNotContain(told);
        assertThat(sinkCopy).as("KIP-877 plugin metrics of the sink on %s", worker).hasSize(TASKS);
        assertThat(sourceCopy).as("KIP-877 plugin metrics of the source on %s", worker).hasSize(TASKS);
        assertThat(WorkerJmx.attributeNames(sinkCopy)).as("sink plugin metrics = its MBean's").isEqualTo(WorkerJmx.attributeNames(sink));
        assertThat(WorkerJmx.attributeNames(sourceCopy)).as("source plugin metrics = its MBean's").isEqualTo(WorkerJmx.attributeNames(source));
        assertThat(WorkerJmx.sum(sinkCopy, "requests-submitted-total")).as("plugin metric requests-submitted-total").isEqualTo(submitted);
        assertThat(WorkerJmx.sum(sourceCopy, "events-success-total")).as("plugin metric events-success-total")
                .isEqualTo(WorkerJmx.sum(source, "events-success-total"));
    }

    /** The log of this run's worker: the file keeps earlier runs' too, so from the last worker start on. */
    private String readWorkerLog() {
        try {
            String log = Files.readString(RESULTS.resolve(worker.version()).resolve("connect.log"));
            return log.substring(Math.max(0, log.lastIndexOf("Kafka Connect worker initializing")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long count(List<SampleRequest> sent, String state) {
        return sent.stream().filter(r -> r.expectedState().equals(state)).count();
    }
}
