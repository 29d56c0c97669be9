package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants 1 to 3 of the design across a crash, in production shape: the Connect worker running
 * both connectors (the packaged plugin, exactly-once source on, as the demo configs deploy it) is
 * killed with SIGKILL while tasks are outstanding, and a new worker takes over. Read with
 * {@code read_committed}, the events topic must hold exactly one event per request, and the API
 * must have been asked to create each task exactly once: the sink's redelivered input is
 * recognised by its tracking records, and the source's uncommitted transaction is aborted.
 */
class WorkerKillIT {

    private static final double TIME_SCALE = 0.05;
    private static final int REQUESTS = 60;
    private static final Path RUN_DIR = Path.of("target", "worker-kill-it");

    private static DemoEnvironment env;
    private static Path workerTemplate;
    private static LocalConnectWorker replacement;

    @BeforeAll
    static void startBrokerWorkerAndSimulator() throws IOException {
        Files.createDirectories(RUN_DIR);
        // Reassign a dead worker's tasks after 2 s instead of the default 5 minutes.
        // A Connect cluster of its own on the broker the crash tests share; a dead worker's tasks reassigned after 2 s.
        workerTemplate = SharedBroker.workerTemplate(RUN_DIR, "worker-kill-it");
        env = DemoEnvironment.start(new DemoEnvironment.Settings(RUN_DIR,
                Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir")),
                Path.of(RealPipeline.requiredProperty("ltx.plugin.zip")),
                workerTemplate, SharedBroker.bootstrapServers(), null, null, TIME_SCALE, DemoMain.SIMULATOR_KEY), line -> System.out.println("WorkerKillIT: " + line));
    }

    @AfterAll
    static void stopEverything() {
        if (replacement != null) {
            replacement.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void workerKilledMidFlightLosesNothingAndDuplicatesNeitherEventsNorSubmissions() {
        RealPipeline pipeline = RealPipeline.deploy(env, "kill", TIME_SCALE, Map.of(), Map.of());
        List<SampleRequest> sent = longRequests(REQUESTS);
        Set<String> ids = sent.stream().map(SampleRequest::requestId).collect(Collectors.toSet());
        DemoTopics.produce(env.bootstrapServers(), pipeline.requests(), sent);

        try (PipelineMonitor monitor = pipeline.monitor(env, ids)) {
            // Kill once some events are out (so the source resumes from committed progress) and most are not.
            PipelineMonitor.Progress progress = awaitProgress(monitor, p -> p.submitted() == REQUESTS && p.terminal() >= 5,
                    Duration.ofSeconds(90));
            assertThat(progress.submitted()).as("all submitted before the kill: %s", progress.line()).isEqualTo(REQUESTS);
            int eventsBeforeKill = progress.terminal();
            assertThat(eventsBeforeKill).as("tasks must still be outstanding when the worker dies").isLessThan(REQUESTS);

            JavaProcess worker = env.processes().stream().filter(p -> p.name().equals("connect")).findFirst().orElseThrow();
            worker.kill();
            long killedAt = System.nanoTime();
            assertThat(worker.isAlive()).isFalse();
            Path replacementDir = RUN_DIR.resolve("replacement");
            replacement = LocalConnectWorker.start(new KafkaRuntime(Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir"))),
                    replacementDir, workerTemplate, env.bootstrapServers(),
                    RUN_DIR.resolve("plugins"));

            progress = awaitProgress(monitor, p -> p.terminal() > eventsBeforeKill, Duration.ofSeconds(120));
            double firstEventAfterKill = (System.nanoTime() - killedAt) / 1e9;
            progress = awaitProgress(monitor, p -> p.terminal() >= REQUESTS, Duration.ofSeconds(180));
            monitor.poll(Duration.ofSeconds(3)); // a duplicate would arrive now

            JsonNode sim = env.simulator().orElseThrow().stats();
            System.out.printf("WorkerKillIT: %d requests, %d events before the SIGKILL, first event %.1f s after it; "
                            + "events %d, duplicate events %d, tasks created %d, duplicate submissions %d%n",
                    REQUESTS, eventsBeforeKill, firstEventAfterKill, monitor.events().size(), monitor.duplicateEvents(),
                    sim.path("tasksCreated").asLong(), sim.path("duplicateSubmissions").asLong());

            assertThat(monitor.events().keySet()).as("one event per request; %s", progress.line()).isEqualTo(ids);
            assertThat(monitor.duplicateEvents()).as("duplicate events under read_committed").isZero();
            assertThat(monitor.events().values()).allSatisfy(e -> assertThat(e.path("state").asText()).isEqualTo("success"));
            assertThat(sim.path("duplicateSubmissions").asLong()).as("requests submitted twice").isZero();
            assertThat(sim.path("tasksCreated").asLong()).isEqualTo(REQUESTS);
        }
    }

    /** 1080p requests with LoRA: 5 to 7 s each at this time scale, so many are outstanding at the kill. */
    private static List<SampleRequest> longRequests(int count) {
        List<SampleRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("kill-%03d", i);
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("request_id", id);
            value.put("mode", "text-to-video-LoRA");
            value.put("prompt", "Worker kill test scene number " + i);
            value.put("resolution", "1080p");
            value.put("duration", 5 + i % 16);
            value.put("loras", List.of(Map.of("path", SampleRequest.LORA_URL, "scale", 1.0)));
            requests.add(new SampleRequest(id, "1080p LoRA " + i, "success", value));
        }
        return requests;
    }

    private static PipelineMonitor.Progress awaitProgress(PipelineMonitor monitor, java.util.function.Predicate<PipelineMonitor.Progress> done,
                                                          Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PipelineMonitor.Progress progress = monitor.progress();
        while (!done.test(progress) && System.nanoTime() < deadline) {
            progress = monitor.poll(Duration.ofMillis(200));
        }
        return progress;
    }
}
