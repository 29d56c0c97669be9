package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged plugin in a real worker, as in production: a KRaft broker and a {@code ConnectDistributed}
 * worker run as separate JVMs from a plain Kafka distribution's jars, with the built zip unpacked on
 * {@code plugin.path} (so the plugin loads in its own isolated class loader, with only what the zip
 * bundles), and the simulator in a third JVM. Both connectors are deployed over REST from the files
 * in {@code config/}. Runs after {@code package} (failsafe), which built the zip; the Kafka jars come
 * from {@code demo/runtime/pom.xml} (pre-integration-test).
 */
class RealWorkerIT {

    private static final double TIME_SCALE = 0.05;
    private static final Duration EVENTS_TIMEOUT = Duration.ofSeconds(120);

    private static DemoEnvironment env;
    private static List<JavaProcess> processes;

    @BeforeAll
    static void startBrokerWorkerAndSimulator() {
        DemoEnvironment.Settings settings = new DemoEnvironment.Settings(
                Path.of("target", "real-worker-it"),
                Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir")),
                Path.of(RealPipeline.requiredProperty("ltx.plugin.zip")),
                Path.of("config", "worker-distributed.properties"),
                null, null, null, TIME_SCALE, DemoMain.SIMULATOR_KEY);
        env = DemoEnvironment.start(settings, line -> System.out.println("RealWorkerIT: " + line));
        processes = env.processes();
    }

    @AfterAll
    static void stopExactlyWhatWasStarted() {
        if (env == null) {
            return;
        }
        env.close();
        assertThat(processes).hasSize(3);
        for (JavaProcess p : processes) {
            assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("%s (pid %d) stopped", p.name(), p.pid()).isFalse();
        }
    }

    @Test
    void workerListsBothConnectorsOfTheZipWithTheBuildVersion() {
        String version = RealPipeline.requiredProperty("ltx.plugin.version");
        Map<String, JsonNode> plugins = new java.util.HashMap<>();
        env.connect().connectorPlugins().forEach(p -> plugins.put(p.path("class").asText(), p));

        assertThat(plugins).containsKeys("io.ltx2.connect.LtxSinkConnector", "io.ltx2.connect.LtxSourceConnector");
        assertThat(plugins.get("io.ltx2.connect.LtxSinkConnector").path("type").asText()).isEqualTo("sink");
        assertThat(plugins.get("io.ltx2.connect.LtxSourceConnector").path("type").asText()).isEqualTo("source");
        assertThat(plugins.get("io.ltx2.connect.LtxSinkConnector").path("version").asText()).isEqualTo(version);
        assertThat(plugins.get("io.ltx2.connect.LtxSourceConnector").path("version").asText()).isEqualTo(version);
    }

    @Test
    void pollingPipelineTurnsEachRequestIntoOneEvent() {
        runPipeline("poll", Map.of(), Map.of());
    }

    /** Callback mode: the receiver the source task starts inside the isolated plugin takes the simulator's webhooks. */
    @Test
    void callbackPipelineTurnsEachRequestIntoOneEvent() {
        int port = FreePorts.pick();
        String token = "real-worker-it-callback-token";
        runPipeline("cb", DemoMain.callbackOverrides(false, port, token), DemoMain.callbackOverrides(true, port, token));
    }

    /**
     * Deploys the demo's sink and source configs (own topics and connector names per mode), writes the
     * demo's eight requests and checks that each ends as exactly one event of the expected state.
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
    }
}
