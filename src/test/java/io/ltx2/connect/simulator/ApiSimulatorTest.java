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
        "refused by the server's own checks | {\"input\": {\"prompt\": \"valid #bad-request\"}} | input.prompt",
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

    @Test
    void statesAndLimitsFollowTheInjectedClock() throws Exception {
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        ApiSimulator sim = start(sim().clock(clock).maxConcurrentTasks(1).callsPerMinute(4));
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk("{\"input\": {\"prompt\": \"p\", \"resolution\": \"1080p\"}}");

        assertThat(http.status(id).data().get("state").asText()).isEqualTo("pending");
        assertThat(http.create(SimHttp.textTask("second")).status()).as("one task at a time").isEqualTo(429);
        clock.advance(Duration.ofSeconds(3));
        assertThat(http.status(id).data().get("state").asText()).isEqualTo("processing");
        SimHttp.Answer overRate = http.status(id);
        assertThat(overRate.status()).as("fifth call in the minute").isEqualTo(429);
        assertThat(overRate.retryAfter()).isEqualTo("57");

        clock.advance(Duration.ofSeconds(120));
        JsonNode done = http.status(id).data();
        assertThat(done.get("state").asText()).isEqualTo("success");
        assertThat(done.get("createTime").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(done.get("costTime").asLong()).isBetween(90_000L, 120_000L);
        assertThat(http.create(SimHttp.textTask("second")).status()).as("the first one completed").isEqualTo(200);
    }

    @Test
    void closeStopsTheServerAndItsThreads() throws Exception {
        ApiSimulator sim = startDefault();
        try (TestReceiver receiver = new TestReceiver()) {
            SimHttp http = new SimHttp(sim, KEY);
            http.createOk(callbackTask(receiver.url(), "pending callback"));
            String url = sim.baseUrl();

            sim.close();

            assertThat(simulatorThreads()).isZero();
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/statusTask/x?taskId=y"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(request)).isInstanceOf(java.io.UncheckedIOException.class);
        }
    }

    private static long simulatorThreads() {
        long[] count = new long[1];
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            count[0] = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("ltx-sim-")).count();
            return count[0] == 0;
        });
        return count[0];
    }

    // ---- callbacks ----

    private static String callbackTask(String url, String prompt) {
        return "{\"request_type\": \"callback\", \"callback_url\": \"" + url + "\", \"input\": {\"prompt\": \"" + prompt + "\"}}";
    }

    @Test
    void callbackDeliversTheStatusEnvelopeOnCompletion() throws Exception {
        ApiSimulator sim = start(sim().fixedGenerationTime(Duration.ofMillis(200)));
        try (TestReceiver receiver = new TestReceiver()) {
            String id = new SimHttp(sim, KEY).createOk(callbackTask(receiver.url(), "hooked"));

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            TestReceiver.Received got = receiver.received().get(0);
            assertThat(got.body().get("code").asInt()).isEqualTo(200);
            JsonNode data = got.body().get("data");
            assertThat(data.get("taskId").asText()).isEqualTo(id);
            assertThat(data.get("state").asText()).isEqualTo("success");
            assertThat(data.get("resultJson").isTextual()).isTrue();
            SimulatorStats.TaskStats task = sim.stats().tasks().get(id);
            assertThat(got.atMillis()).isGreaterThanOrEqualTo(task.completeTime());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().callbacksDelivered() == 1);
            SimulatorStats stats = sim.stats();
            assertThat(stats.callbacksSent()).isEqualTo(1);
            assertThat(stats.callbacksFailed()).isZero();
            assertThat(stats.tasks().get(id).callbackDelivered()).isTrue();
        }
    }

    @Test
    void failingReceiverGetsThreeRetriesAfter30And60And120ScaledSeconds() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).fixedGenerationTime(Duration.ofMillis(100)));
        try (TestReceiver receiver = new TestReceiver().failFirst(Integer.MAX_VALUE)) {
            String id = new SimHttp(sim, KEY).createOk(callbackTask(receiver.url(), "never acknowledged"));

            await().atMost(Duration.ofSeconds(15)).until(() -> sim.stats().callbacksAbandoned() == 1);

            List<Long> attempts = sim.stats().tasks().get(id).callbackAttemptTimes();
            assertThat(attempts).hasSize(4);
            assertThat(receiver.received()).hasSize(4);
            long[] expected = {300, 600, 1200};
            for (int i = 0; i < 3; i++) {
                long gap = attempts.get(i + 1) - attempts.get(i);
                assertThat(gap).as("gap before retry %d", i + 1).isBetween(expected[i], expected[i] + 400);
            }
            SimulatorStats stats = sim.stats();
            assertThat(stats.callbacksSent()).isEqualTo(4);
            assertThat(stats.callbacksFailed()).isEqualTo(4);
            assertThat(stats.callbacksDelivered()).isZero();
        }
    }

    @Test
    void receiverThatFailsOnceOrAnswersTooLateIsRetriedUntilItAcknowledges() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).fixedGenerationTime(Duration.ofMillis(100)));
        try (TestReceiver failing = new TestReceiver().failFirst(1);
             TestReceiver slow = new TestReceiver().delayFirst(1_500)) {
            SimHttp http = new SimHttp(sim, KEY);
            String a = http.createOk(callbackTask(failing.url(), "a"));
            String b = http.createOk(callbackTask(slow.url(), "b"));

            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().callbacksDelivered() == 2);

            assertThat(sim.stats().tasks().get(a).callbackAttemptTimes()).hasSize(2);
            // The slow receiver missed the 30 s deadline (300 ms scaled): that counts as a failure.
            assertThat(sim.stats().tasks().get(b).callbackAttemptTimes()).hasSize(2);
            assertThat(sim.stats().callbacksFailed()).isEqualTo(2);
            assertThat(sim.stats().callbacksAbandoned()).isZero();
        }
    }

    // ---- faults ----

    @Test
    void errorRateAnswers5xxPerEndpointAndCanBeSwitchedAtRunTime() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).faults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorStatus(503).build()));
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer failed = http.create(SimHttp.textTask("p"));
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.json().get("code").asInt()).isEqualTo(503);
        assertThat(sim.stats().tasksCreated()).as("an injected error creates nothing").isZero();

        sim.updateFaults(f -> f.toBuilder().errorRate(Endpoint.CREATE, 0).errorRate(Endpoint.STATUS, 1.0).build());
        String id = http.createOk(SimHttp.textTask("p"));
        assertThat(http.status(id).status()).isEqualTo(503);
        assertThat(sim.stats().injectedErrors()).isEqualTo(2);
    }

    @Test
    void errorRateIsDeterministicForASeed() throws Exception {
        Faults half = Faults.builder().errorRate(Endpoint.STATUS, 0.5).build();
        List<Integer> first = statusCodes(start(sim().seed(7).faults(half)), 40);
        List<Integer> second = statusCodes(start(sim().seed(7).faults(half)), 40);
        List<Integer> otherSeed = statusCodes(start(sim().seed(8).faults(half)), 40);

        assertThat(first).isEqualTo(second).contains(404, 500).isNotEqualTo(otherSeed);
    }

    private static List<Integer> statusCodes(ApiSimulator sim, int n) {
        SimHttp http = new SimHttp(sim, KEY);
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            codes.add(http.status("unknown").status());
        }
        return codes;
    }

    @Test
    void latencyDelaysTheAnswersOfItsEndpointOnly() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).faults(Faults.builder().latency(Endpoint.STATUS, 1_000).build()));
        SimHttp http = new SimHttp(sim, KEY);
        http.createOk(SimHttp.textTask("warm-up"));

        long t0 = System.nanoTime();
        String id = http.createOk(SimHttp.textTask("p"));
        long createMs = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        assertThat(http.status(id).status()).isEqualTo(200);
        long statusMs = (System.nanoTime() - t1) / 1_000_000;
        long t2 = System.nanoTime();
        assertThat(http.status("unknown").status()).isEqualTo(404);
        long notFoundMs = (System.nanoTime() - t2) / 1_000_000;

        assertThat(statusMs).isGreaterThanOrEqualTo(1_000);
        assertThat(notFoundMs).as("errors of the endpoint are delayed too").isGreaterThanOrEqualTo(1_000);
        assertThat(createMs).isLessThan(1_000);
    }

    @Test
    void hangNeverAnswersOrAnswers504AfterTheHangTime() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).faults(Faults.builder().hangRate(Endpoint.STATUS, 1.0).build()));
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));

        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(sim.baseUrl() + "/statusTask/" + sim.model() + "?taskId=" + id))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofMillis(500)).GET().build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(request))
                .hasCauseInstanceOf(java.net.http.HttpTimeoutException.class);

        sim.updateFaults(f -> f.toBuilder().hangMillis(300).build());
        long t0 = System.nanoTime();
        SimHttp.Answer late = http.status(id);
        assertThat(late.status()).isEqualTo(504);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
        assertThat(sim.stats().hangs()).isEqualTo(2);
        assertThat(sim.stats().statusCallsFor(id)).as("a hung call is not processed").isZero();
    }

    @Test
    void lostCreateResponseStillCreatesTheTask() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE)
                .faults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.DROP_CONNECTION).build()));
        SimHttp http = new SimHttp(sim, KEY);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.create(SimHttp.textTask("billed")))
                .isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(sim.stats().tasksCreated()).isEqualTo(1);

        sim.setFaults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.SERVER_ERROR).build());
        assertThat(http.create(SimHttp.textTask("billed")).status()).isEqualTo(500);

        SimulatorStats stats = sim.stats();
        assertThat(stats.tasksCreated()).isEqualTo(2);
        assertThat(stats.lostCreateResponses()).isEqualTo(2);
        assertThat(stats.duplicateSubmissions()).as("the retry of a lost create is a duplicate").isEqualTo(1);
    }

    @Test
    void callbacksCanBeLostDuplicatedOrDelayed() throws Exception {
        ApiSimulator sim = start(sim().fixedGenerationTime(Duration.ofMillis(100)).timeScale(SCALE)
                .faults(Faults.builder().callbackLossRate(1.0).build()));
        try (TestReceiver receiver = new TestReceiver()) {
            SimHttp http = new SimHttp(sim, KEY);
            http.createOk(callbackTask(receiver.url(), "lost"));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().callbacksLost() == 1);
            Thread.sleep(300);
            assertThat(receiver.received()).isEmpty();
            assertThat(sim.stats().callbacksSent()).isZero();

            sim.setFaults(Faults.builder().callbackDuplicateRate(1.0).build());
            String dup = http.createOk(callbackTask(receiver.url(), "twice"));
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
            assertThat(receiver.received()).allSatisfy(r -> assertThat(r.body().at("/data/taskId").asText()).isEqualTo(dup));
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().callbacksDuplicated() == 1);

            sim.setFaults(Faults.builder().callbackDelayMillis(700).build());
            String late = http.createOk(callbackTask(receiver.url(), "late"));
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 3);
            long completed = sim.stats().tasks().get(late).completeTime();
            assertThat(receiver.received().get(2).atMillis() - completed).isGreaterThanOrEqualTo(700);
        }
    }

    @Test
    void rateLimitStormAnswers429WithItsRetryAfterForItsDuration() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE));
        SimHttp http = new SimHttp(sim, KEY);
        long t0 = System.currentTimeMillis();
        sim.setFaults(Faults.builder().rateLimitStorm(2_000, 7).build());

        SimHttp.Answer limited = http.create(SimHttp.textTask("p"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isEqualTo("7");
        assertThat(http.status("any").status()).isEqualTo(429);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.create(SimHttp.textTask("p")).status() == 200);
        assertThat(System.currentTimeMillis() - t0).as("the storm lasted its duration").isGreaterThanOrEqualTo(2_000);
        assertThat(sim.stats().rateLimited()).isGreaterThanOrEqualTo(2);
        assertThat(sim.stats().tasksCreated()).isEqualTo(1);

        // A storm is an event: changing another fault does not start it again.
        sim.updateFaults(f -> f.toBuilder().latency(Endpoint.CREATE, 1).build());
        assertThat(http.create(SimHttp.textTask("p")).status()).isEqualTo(200);
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/faults"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"statusLatencyMs\": 1}")).build());
        assertThat(http.create(SimHttp.textTask("p")).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Faults.MalformedKind.class)
    void malformedStatusAnswers(Faults.MalformedKind kind) throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).faults(Faults.builder().malformedStatus(1.0, kind).build()));
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));

        SimHttp.Answer answer = http.status(id);

        assertThat(answer.status()).isEqualTo(200);
        switch (kind) {
            case NOT_JSON -> assertThat(answer.json()).isNull();
            case MISSING_DATA -> assertThat(answer.json().has("data")).isFalse();
            case UNKNOWN_STATE -> assertThat(answer.data().get("state").asText()).isNotIn("pending", "processing", "success", "failed");
            case RESULT_NOT_JSON -> {
                assertThat(answer.data().get("state").asText()).isEqualTo("success");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.MAPPER.readTree(answer.data().get("resultJson").asText()))
                        .isInstanceOf(java.io.IOException.class);
            }
            default -> throw new AssertionError(kind);
        }
        assertThat(sim.stats().malformedAnswers()).isEqualTo(1);
    }

    // ---- admin endpoints ----

    @Test
    void adminEndpointsChangeFaultsReportStatsAndResetWithoutAKey() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));

        SimHttp.Answer faults = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/faults"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"statusErrorRate\": 1.0, \"errorStatus\": 502}")).build());
        assertThat(faults.status()).isEqualTo(200);
        assertThat(http.status(id).status()).isEqualTo(502);
        assertThat(sim.faults().statusErrorRate()).isEqualTo(1.0);

        SimHttp.Answer stats = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/stats")).GET().build());
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.json().get("createCalls").asLong()).isEqualTo(1);
        assertThat(stats.json().get("injectedErrors").asLong()).isEqualTo(1);
        assertThat(stats.json().at("/tasks/" + id + "/createTime").asLong()).isPositive();

        SimHttp.Answer brief = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/stats?tasks=false")).GET().build());
        assertThat(brief.json().has("tasks")).isFalse();
        assertThat(brief.json().get("createCalls").asLong()).isEqualTo(1);
        assertThat(brief.json().has("maxStatusCallsPerTask")).isTrue();

        SimHttp.Answer bad = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/faults"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"statusErrorRate\": 2}")).build());
        assertThat(bad.status()).isEqualTo(400);

        SimHttp.Answer reset = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.adminUrl() + "/reset"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.status()).isEqualTo(200);
        assertThat(sim.stats().tasksCreated()).isZero();
        assertThat(sim.faults()).isEqualTo(Faults.NONE);
        assertThat(http.status(id).status()).isEqualTo(404);
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
