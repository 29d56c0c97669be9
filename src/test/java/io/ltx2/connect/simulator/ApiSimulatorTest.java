package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The simulator against {@code api-contract.md}, spoken with the JDK's HttpClient. */
class ApiSimulatorTest {
    private static final String KEY = "test-key-1";
    private static final double SCALE = 0.01;

    private final List<ApiSimulator> started = new ArrayList<>();

    private ApiSimulator start(ApiSimulator.Builder builder) throws Exception {
        ApiSimulator sim = builder.build().start();
        started.add(sim);
        return sim;
    }

    private static ApiSimulator.Builder sim() {
        return ApiSimulator.builder().apiKey(KEY);
    }

    private ApiSimulator startDefault() throws Exception {
        return start(sim().timeScale(SCALE));
    }

    @AfterEach
    void stopAll() {
        started.forEach(ApiSimulator::close);
    }

    @Test
    void missingOrInvalidKeyIsRefusedWith401AndForbiddenKeyWith403() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).forbiddenKeys("no-access"));
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer missing = http.create(SimHttp.textTask("a fox"), null);
        SimHttp.Answer wrong = http.create(SimHttp.textTask("a fox"), "wrong-key");
        SimHttp.Answer forbidden = http.create(SimHttp.textTask("a fox"), "no-access");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("code").asInt()).isEqualTo(401);
        assertThat(missing.json().get("data").isNull()).isTrue();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(sim.stats().tasksCreated()).isZero();
        assertThat(sim.stats().authFailures()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "duration too short | {\"input\": {\"prompt\": \"p\", \"duration\": 3}} | input.duration",
        "unknown resolution | {\"input\": {\"prompt\": \"p\", \"resolution\": \"4k\"}} | input.resolution",
        "missing prompt | {\"input\": {\"duration\": 5}} | input.prompt",
        "duration not a number | {\"input\": {\"prompt\": \"p\", \"duration\": \"long\"}} | input.duration",
        "image mode without image | {\"input\": {\"prompt\": \"p\", \"mode\": \"image-to-video\"}} | input.image_urls",
        "too many LoRAs | {\"input\": {\"prompt\": \"p\", \"mode\": \"text-to-video-LoRA\", \"loras\": [{\"path\":\"https://a/1\"},{\"path\":\"https://a/2\"},{\"path\":\"https://a/3\"},{\"path\":\"https://a/4\"}]}} | input.loras",
        "bad seed | {\"input\": {\"prompt\": \"p\", \"seed\": 0}} | input.seed",
        "callback without url | {\"request_type\": \"callback\", \"input\": {\"prompt\": \"p\"}} | callback_url",
        "unknown request type | {\"request_type\": \"sync\", \"input\": {\"prompt\": \"p\"}} | request_type",
        "unknown provider | {\"provider\": \"cheap\", \"input\": {\"prompt\": \"p\"}} | provider",
        "no input | {\"provider\": \"auto\"} | input",
        "not JSON | this is not json | body",
    })
    void invalidCreateGets400NamingTheField(String name, String body, String field) throws Exception {
        ApiSimulator sim = startDefault();

        SimHttp.Answer answer = new SimHttp(sim, KEY).create(body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("code").asInt()).isEqualTo(400);
        assertThat(answer.message()).startsWith(field + ":");
        assertThat(sim.stats().tasksCreated()).isZero();
        assertThat(sim.stats().badRequests()).isEqualTo(1);
    }

    @Test
    void theApisOwnDefaultsAreApplied() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);

        String textId = http.createOk(SimHttp.textTask("only a prompt"));
        String imageId = http.createOk("{\"input\": {\"prompt\": \"p\", \"mode\": \"image-to-video\", \"image_urls\": [\"https://example.com/c.png\"]}}");

        GenerationInput text = sim.stats().tasks().get(textId).input();
        assertThat(text.mode()).isEqualTo("text-to-video");
        assertThat(text.resolution()).isEqualTo("720p");
        assertThat(text.duration()).isEqualTo(10);
        assertThat(text.aspectRatio()).isEqualTo("16:9");
        GenerationInput image = sim.stats().tasks().get(imageId).input();
        assertThat(image.aspectRatio()).as("aspect ratio applies to text modes only").isNull();
    }

    @Test
    void taskMovesFromPendingThroughProcessingToSuccessWithResultJsonAsAString() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        long before = System.currentTimeMillis();
        String id = http.createOk("{\"input\": {\"prompt\": \"A red fox\", \"resolution\": \"480p\", \"duration\": 5}}");

        List<String> states = new ArrayList<>();
        JsonNode last = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            last = http.status(id).data();
            String state = last.get("state").asText();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                states.add(state);
            }
            if (state.equals("success") || state.equals("failed")) {
                break;
            }
            Thread.sleep(5);
        }

        assertThat(states).containsExactly("pending", "processing", "success");
        assertThat(last.get("taskId").asText()).isEqualTo(id);
        assertThat(last.get("resultJson").isTextual()).as("resultJson is a JSON string").isTrue();
        JsonNode result = Json.MAPPER.readTree(last.get("resultJson").asText());
        assertThat(result.get("resultUrls").get(0).asText()).startsWith("https://").endsWith("/" + id + ".mp4");
        long create = last.get("createTime").asLong();
        long complete = last.get("completeTime").asLong();
        assertThat(create).isBetween(before, complete);
        // 480p, 5 s: 40-60 s of processing at scale 0.01 = 400-600 ms.
        assertThat(last.get("costTime").asLong()).isBetween(400L, 600L);
        assertThat(last.has("failCode")).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"input\": {\"prompt\": \"a fox #violation\"}} | CONTENT_VIOLATION",
        "{\"input\": {\"prompt\": \"p\", \"mode\": \"image-to-video\", \"image_urls\": [\"https://x.test/invalid-image.png\"]}} | INVALID_IMAGE_URL",
        "{\"input\": {\"prompt\": \"p\", \"mode\": \"text-to-video-LoRA\", \"loras\": [{\"path\": \"https://x.test/invalid-lora?download=true\", \"scale\": 1.0}]}} | INVALID_LORA_URL",
    })
    void documentedInputsFailWithTheirFailCodeAfterAShortProcessingTime(String body, String failCode) throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(body);

        JsonNode data = awaitTerminal(http, id);

        assertThat(data.get("state").asText()).isEqualTo("failed");
        assertThat(data.get("failCode").asText()).isEqualTo(failCode);
        assertThat(data.get("failMsg").asText()).isNotBlank();
        assertThat(data.has("resultJson")).isFalse();
        // 3-8 s of processing, scaled.
        assertThat(data.get("costTime").asLong()).isBetween(30L, 80L);
    }

    @Test
    void unknownTaskIs404MissingTaskIdIs400UnknownModelIs404() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);

        assertThat(http.status("no-such-task").status()).isEqualTo(404);
        assertThat(http.status("").status()).isEqualTo(400);
        SimHttp.Answer otherModel = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(sim.baseUrl() + "/generateTask/ltx-1"))
                .header("Authorization", "Bearer " + KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(SimHttp.textTask("p"))).build());
        assertThat(otherModel.status()).isEqualTo(404);
        assertThat(otherModel.message()).contains("ltx-1");
    }

    @Test
    void aTaskIsInvisibleToAnotherKey() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).apiKeys(KEY, "other-key"));
        String id = new SimHttp(sim, KEY).createOk(SimHttp.textTask("mine"));

        assertThat(new SimHttp(sim, "other-key").status(id).status()).isEqualTo(404);
    }

    @Test
    void callRateOverTheWindowGets429WithRetryAfterUntilTheOldestCallLeaves() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).callsPerMinute(5));
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));
        for (int i = 0; i < 4; i++) {
            assertThat(http.status(id).status()).isEqualTo(200);
        }

        SimHttp.Answer limited = http.status(id);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("code").asInt()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.retryAfter())).isBetween(58, 60);
        assertThat(http.create(SimHttp.textTask("q")).status()).as("creates share the key's window").isEqualTo(429);
        assertThat(sim.stats().rateLimited()).isEqualTo(2);

        sim.setLimitsEnabled(false);
        assertThat(http.status(id).status()).as("limits switched off").isEqualTo(200);
    }

    @Test
    void rateWindowSlides() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).callsPerMinute(3).rateWindow(Duration.ofMillis(600)));
        SimHttp http = new SimHttp(sim, KEY);
        for (int i = 0; i < 3; i++) {
            assertThat(http.status("x").status()).isEqualTo(404);
        }
        SimHttp.Answer limited = http.status("x");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isEqualTo("1");

        Thread.sleep(700);

        assertThat(http.status("x").status()).isEqualTo(404);
    }

    @Test
    void concurrentTasksOverTheLimitGet429UntilOneCompletes() throws Exception {
        ApiSimulator sim = start(sim().maxConcurrentTasks(2).fixedGenerationTime(Duration.ofMillis(2500)));
        SimHttp http = new SimHttp(sim, KEY);
        http.createOk(SimHttp.textTask("one"));
        http.createOk(SimHttp.textTask("two"));

        SimHttp.Answer limited = http.create(SimHttp.textTask("three"));

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isEqualTo("3"); // 2.5 s rounded up
        assertThat(limited.message()).contains("concurrent");
        assertThat(sim.stats().tasksCreated()).isEqualTo(2);
        assertThat(sim.stats().currentConcurrent()).isEqualTo(2);

        sim.setLimitsEnabled(false);
        http.createOk(SimHttp.textTask("three"));
        assertThat(sim.stats().peakConcurrent()).isEqualTo(3);
    }

    @Test
    void countersTrackDuplicatePayloadsPeakConcurrencyAndStatusCallsPerTask() throws Exception {
        ApiSimulator sim = start(sim().fixedGenerationTime(Duration.ofMillis(300)));
        SimHttp http = new SimHttp(sim, KEY);
        String a = http.createOk("{\"input\": {\"prompt\": \"same\", \"duration\": 10}}");
        // Same payload once the API's defaults are applied, written differently.
        String b = http.createOk("{\"provider\": \"auto\", \"input\": {\"duration\": 10, \"resolution\": \"720p\", \"prompt\": \"same\"}}");
        String c = http.createOk(SimHttp.textTask("different"));
        http.status(a);
        http.status(a);
        http.status(a);
        http.status(b);

        SimulatorStats stats = sim.stats();

        assertThat(stats.createCalls()).isEqualTo(3);
        assertThat(stats.statusCalls()).isEqualTo(4);
        assertThat(stats.tasksCreated()).isEqualTo(3);
        assertThat(stats.createsAccepted()).isEqualTo(3);
        assertThat(stats.distinctPayloads()).isEqualTo(2);
        assertThat(stats.duplicateSubmissions()).isEqualTo(1);
        assertThat(stats.peakConcurrent()).isEqualTo(3);
        assertThat(stats.statusCallsFor(a)).isEqualTo(3);
        assertThat(stats.statusCallsFor(c)).isZero();
        assertThat(stats.maxStatusCallsPerTask()).isEqualTo(3);
        assertThat(stats.meanStatusCallsPerTask()).isEqualTo(4.0 / 3);
        assertThat(stats.peakCallsInWindow()).isEqualTo(7);

        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().currentConcurrent() == 0);
        SimulatorStats.TaskStats task = sim.stats().tasks().get(a);
        assertThat(task.completeTime() - task.createTime()).isEqualTo(300);
        http.status(a);
        assertThat(sim.stats().tasks().get(a).firstTerminalStatusTime()).isGreaterThanOrEqualTo(task.completeTime());
        assertThat(sim.stats().peakConcurrent()).as("peak is kept").isEqualTo(3);
    }

    static JsonNode awaitTerminal(SimHttp http, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            last[0] = http.status(id).data();
            String s = last[0].get("state").asText();
            return s.equals("success") || s.equals("failed");
        });
        return last[0];
    }
}
