package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The API contract of both endpoints: auth, validation with the API's own defaults, the task timeline and its fail codes, and the 404s and 400s of the status call. */
class SimulatorContractTest extends SimulatorTestBase {

    @Test
    void missingOrInvalidKeyIsRefusedWith401AndForbiddenKeyWith403() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).forbiddenKeys("no-access"));
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer missing = http.create(SimHttp.textTask("a fox"), null);
        SimHttp.Answer wrong = http.create(SimHttp.textTask("a fox"), "wrong-key");
        SimHttp.Answer forbidden = http.create(SimHttp.textTask("a fox"), "no-access");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("code").asInt()).isEqualTo(401);
        assertThat(missing.data().get("error").asText()).as("the vendor's error shape: detail in data.error").isNotBlank();
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
        // The simulator's clock moves only when told to: at scale 0.01 a task is pending 10-30 ms, which a status
        // call on a busy machine can miss in real time.
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        ApiSimulator sim = start(sim().timeScale(SCALE).clock(clock));
        SimHttp http = new SimHttp(sim, KEY);
        long before = clock.millis();
        String id = http.createOk("{\"input\": {\"prompt\": \"A red fox\", \"resolution\": \"480p\", \"duration\": 5}}");

        List<String> states = new ArrayList<>();
        JsonNode last = http.status(id).data();
        states.add(last.get("state").asText());
        clock.advance(Duration.ofMillis(31)); // past the longest pending time
        last = http.status(id).data();
        states.add(last.get("state").asText());
        clock.advance(Duration.ofMillis(600)); // past the longest processing time of a 480p, 5 s video
        last = http.status(id).data();
        states.add(last.get("state").asText());

        assertThat(states).containsExactly("pending", "processing", "success");
        assertThat(last.get("taskId").asText()).isEqualTo(id);
        assertThat(last.get("resultJson").isTextual()).as("resultJson is a JSON string").isTrue();
        JsonNode result = Json.MAPPER.readTree(last.get("resultJson").asText());
        assertThat(result.get("resultUrls").get(0).asText()).startsWith("http://127.0.0.1:").endsWith("/" + id + "-0.mp4");
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
        SimHttp.Answer otherModel = http.send(HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + "/generateTask/ltx-1"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(SimHttp.textTask("p"))).build());
        assertThat(otherModel.status()).isEqualTo(404);
        assertThat(otherModel.message()).contains("ltx-1");
    }

    @Test
    void aTaskIsInvisibleToAnotherKey() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).apiKeys(KEY, "other-key"));
        String id = new SimHttp(sim, KEY).createOk(SimHttp.textTask("mine"));

        assertThat(new SimHttp(sim, "other-key").status(id).status()).isEqualTo(404);
    }
}
