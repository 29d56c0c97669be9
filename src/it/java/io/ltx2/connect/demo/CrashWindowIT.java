package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash window of invariant 2, on a real worker process: the worker running both connectors
 * (the packaged plugin, exactly-once source on) is SIGKILLed while a burst of creates is out, each
 * made by the API but answered late, so none has its SUBMITTED record; a new worker takes over.
 * Every such create left a durable INTENT. With polling, the next owner submits those requests
 * again and every second task is named on its request's event ({@code earlierAttempts}); with
 * callbacks, the callback URL names the request and the orphaned task is adopted: no second create.
 * Either way: exactly one event per request (read_committed).
 */
class CrashWindowIT {
    /** Slow enough that the API's callback retries (30/60/120 s, scaled) outlast the worker's replacement. */
    private static final double TIME_SCALE = 0.25;
    private static final int REQUESTS = 24;
    private static final Path RUN_DIR = Path.of("target", "crash-window-it");
    private static final int CALLBACK_PORT = FreePorts.pick();
    private static final String CALLBACK_TOKEN = "crash-window-it-callback-token";
    /**
     * The killed worker's sink consumers stay in their group until their session times out (45 s by default), and
     * nothing moves before: 10 s, as an operator who expects crashes would set it (as SoakIT does).
     */
    private static final Map<String, String> FAST_FAILOVER = Map.of("consumer.override.session.timeout.ms", "10000",
            "consumer.override.heartbeat.interval.ms", "2000");

    private static DemoEnvironment env;
    private static Path workerTemplate;
    private static JavaProcess worker;
    private static final List<LocalConnectWorker> replacements = new ArrayList<>();
    private static RealPipeline polling;
    private static RealPipeline callback;

    @BeforeAll
    static void startAndDeployBothPipelines() throws IOException {
        Files.createDirectories(RUN_DIR);
        // A Connect cluster of its own on the broker the crash tests share; a dead worker's tasks reassigned after 2 s.
        workerTemplate = SharedBroker.workerTemplate(RUN_DIR, "crash-window-it");
        env = DemoEnvironment.start(new DemoEnvironment.Settings(RUN_DIR,
                Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir")), Path.of(RealPipeline.requiredProperty("ltx.plugin.zip")),
                workerTemplate, SharedBroker.bootstrapServers(), null, null, TIME_SCALE, DemoMain.SIMULATOR_KEY), line -> System.out.println("CrashWindowIT: " + line));
        worker = env.processes().stream().filter(p -> p.name().equals("connect")).findFirst().orElseThrow();
        // Both pipelines are deployed now, through the first worker: the later ones only inherit them.
        // The next owner waits until no create of the killed worker can still be answered (the sink's connect and
        // response time-outs and a margin) before it creates again: 2 s and 8 s here (the creates are answered
        // 4 s late), not the defaults' 10 s and 30 s.
        Map<String, String> sinkPolling = new HashMap<>(FAST_FAILOVER);
        sinkPolling.put("ltx.api.connect.timeout.ms", "2000");
        sinkPolling.put("ltx.api.response.timeout.ms", "8000");
        polling = RealPipeline.deploy(env, "crash-poll", TIME_SCALE, sinkPolling, Map.of());
        Map<String, String> sinkCallback = new HashMap<>(DemoMain.callbackOverrides(false, CALLBACK_PORT, CALLBACK_TOKEN));
        sinkCallback.putAll(FAST_FAILOVER);
        sinkCallback.put("ltx.sink.adoption.timeout.ms", "180000");
        callback = RealPipeline.deploy(env, "crash-cb", TIME_SCALE, sinkCallback, DemoMain.callbackOverrides(true, CALLBACK_PORT, CALLBACK_TOKEN));
    }

    @AfterAll
    static void stopEverything() {
        replacements.forEach(LocalConnectWorker::close);
        if (env != null) {
            env.close();
        }
    }

    @Test
    void pollingNamesEverySecondTaskOfTheCrashOnItsRequestsEvent() throws Exception {
        Result r = crashDuringABurstOfCreates(polling, "poll");
        assertThat(r.unnamedDuplicates()).as("second tasks not named on their request's event").isZero();
        assertThat(r.namedAttempts()).as("the kill left creates without a SUBMITTED record, and the events name them").isPositive();
    }

    @Test
    void callbackModeAdoptsEveryOrphanedCreateAndPaysForNoVideoTwice() throws Exception {
        Result r = crashDuringABurstOfCreates(callback, "cb");
        assertThat(r.tasksCreated()).as("one create per request: the orphans were adopted through their callbacks").isEqualTo(REQUESTS);
        assertThat(r.adopted()).as("requests resolved with an adopted task").isPositive();
    }

    private record Result(int tasksCreated, int namedAttempts, int unnamedDuplicates, int adopted) {
    }

    private Result crashDuringABurstOfCreates(RealPipeline pipeline, String mode) throws Exception {
        long createsBefore = simulatorStats().path("createCalls").asLong();
        List<SampleRequest> sent = requests(mode);
        Set<String> ids = sent.stream().map(SampleRequest::requestId).collect(Collectors.toSet());
        setCreateLatency(4_000); // each task is made at once, its answer comes 4 s later
        DemoTopics.produce(env.bootstrapServers(), pipeline.requests(), sent);
        try (PipelineMonitor monitor = pipeline.monitor(env, ids)) {
            awaitSimulator(s -> s.path("createCalls").asLong() - createsBefore >= REQUESTS, Duration.ofSeconds(60));
            worker.kill();
            long killedAt = System.nanoTime();
            setCreateLatency(0);
            Path dir = RUN_DIR.resolve("replacement-" + mode);
            LocalConnectWorker next = LocalConnectWorker.start(new KafkaRuntime(Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir"))),
                    dir, workerTemplate, env.bootstrapServers(), RUN_DIR.resolve("plugins"));
            replacements.add(next);
            worker = next.process();

            PipelineMonitor.Progress progress = await(monitor, p -> p.terminal() >= REQUESTS, Duration.ofSeconds(240));
            monitor.poll(Duration.ofSeconds(3)); // a duplicate would arrive now
            assertThat(monitor.events().keySet()).as("one event per request; %s", progress.line()).isEqualTo(ids);
            assertThat(monitor.duplicateEvents()).as("duplicate events under read_committed").isZero();
            assertThat(monitor.events().values()).allSatisfy(e -> assertThat(e.path("state").asText()).isEqualTo("success"));
            return tally(mode, monitor.events(), (System.nanoTime() - killedAt) / 1e9);
        }
    }

    /** Tasks per request (by the prompt, which holds its id) against what its event names. */
    private Result tally(String mode, Map<String, JsonNode> events, double secondsAfterKill) {
        Map<String, Integer> tasks = new HashMap<>();
        simulatorStats().path("tasks").forEach(t -> {
            String prompt = t.path("input").path("prompt").asText();
            events.keySet().stream().filter(id -> prompt.endsWith(" " + id)).findFirst().ifPresent(id -> tasks.merge(id, 1, Integer::sum));
        });
        int created = tasks.values().stream().mapToInt(Integer::intValue).sum();
        int named = events.values().stream().mapToInt(e -> e.path("earlierAttempts").asInt(0)).sum();
        int unnamed = 0;
        for (Map.Entry<String, Integer> e : tasks.entrySet()) {
            unnamed += Math.max(0, e.getValue() - 1 - events.get(e.getKey()).path("earlierAttempts").asInt(0));
        }
        int adopted = (int) events.values().stream().filter(e -> e.path("adopted").asBoolean(false)).count();
        System.out.printf("CrashWindowIT %s: %d requests, SIGKILL with %d creates out unanswered; %d tasks created, %d attempts named on "
                        + "events, %d second tasks not named, %d adopted; all events %.1f s after the kill%n", mode, REQUESTS, REQUESTS,
                created, named, unnamed, adopted, secondsAfterKill);
        return new Result(created, named, unnamed, adopted);
    }

    private static List<SampleRequest> requests(String mode) {
        List<SampleRequest> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = String.format("%s-crash-%03d", mode, i);
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("request_id", id);
            value.put("prompt", "Crash window scene " + id);
            value.put("resolution", "480p");
            value.put("duration", 5);
            out.add(new SampleRequest(id, "crash " + i, "success", value));
        }
        return out;
    }

    private static void setCreateLatency(long millis) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(env.simulator().orElseThrow().rootUrl() + "/_sim/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"createLatencyMs\":" + millis + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode simulatorStats() {
        return env.simulator().orElseThrow().stats();
    }

    private static void awaitSimulator(Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(simulatorStats())) {
            assertThat(System.nanoTime()).as("simulator condition not reached in %s", timeout).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static PipelineMonitor.Progress await(PipelineMonitor monitor, Predicate<PipelineMonitor.Progress> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PipelineMonitor.Progress progress = monitor.progress();
        while (!done.test(progress) && System.nanoTime() < deadline) {
            progress = monitor.poll(Duration.ofMillis(200));
        }
        return progress;
    }
}
