package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The vendor's error answers: the detail in {@code data.error}, the two kinds of 403 told apart by their body, and errors as HTTP 200 with the status in the envelope. */
class SimulatorErrorAnswersTest extends SimulatorTestBase {

    @Test
    void everyErrorAnswerCarriesItsDetailInDataError() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).balanceSeconds(0L));
        SimHttp http = new SimHttp(sim, KEY);

        assertThat(http.create("{\"input\": {\"prompt\": \"p\", \"duration\": 3}}")).satisfies(a -> hasDetail(a, 400, "input.duration"));
        assertThat(http.create(SimHttp.textTask("p"), "wrong")).satisfies(a -> hasDetail(a, 401, "invalid API key"));
        assertThat(http.create(SimHttp.textTask("p"))).satisfies(a -> hasDetail(a, 402, "balance"));
        assertThat(http.status("unknown")).satisfies(a -> hasDetail(a, 404, "unknown"));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/nowhere")).GET().build()))
                .satisfies(a -> hasDetail(a, 404, "/nowhere"));
    }

    private static void hasDetail(SimHttp.Answer a, int status, String detail) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.json().get("code").asInt()).isEqualTo(status);
        assertThat(a.message()).isNotBlank();
        assertThat(a.data().isObject()).as("data is an object, not null").isTrue();
        assertThat(a.data().get("error").asText()).contains(detail);
    }

    @Test
    void forbiddenContentAndAForbiddenKeyAreBoth403AndDifferOnlyByTheirBody() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).forbiddenKeys("no-access"));
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer content = http.create(SimHttp.textTask("a scene #forbidden-content"));
        SimHttp.Answer key = http.create(SimHttp.textTask("a scene"), "no-access");

        assertThat(content.status()).isEqualTo(403);
        assertThat(content.message()).containsIgnoringCase("content violates");
        assertThat(content.data().get("error").asText()).contains("input.prompt");
        assertThat(content.data().get("errorCode").asText()).isEqualTo("SensitiveContentDetected");
        assertThat(key.status()).isEqualTo(403);
        assertThat(key.message()).containsIgnoringCase("lacks permission");
        assertThat(key.data().has("errorCode")).isFalse();
        SimulatorStats stats = sim.stats();
        assertThat(stats.tasksCreated()).isZero();
        assertThat(stats.forbiddenContent()).isEqualTo(1);
        assertThat(stats.authFailures()).isEqualTo(1);
    }

    @Test
    void errorsAsHttp200PutTheStatusInTheEnvelopeOnlyAndCanBeSwitchedAtRunTime() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).balanceSeconds(10L).errorsAsHttp200(true));
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));

        SimHttp.Answer broke = http.create(SimHttp.textTask("q"));
        SimHttp.Answer content = http.create(SimHttp.textTask("q #forbidden-content"));
        SimHttp.Answer unknown = http.status("unknown");

        assertThat(broke.status()).isEqualTo(200);
        assertThat(broke.json().get("code").asInt()).isEqualTo(402);
        assertThat(broke.data().get("error").asText()).isNotBlank();
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.json().get("code").asInt()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.json().get("code").asInt()).isEqualTo(404);
        assertThat(http.status(id).json().get("code").asInt()).as("a success stays a success").isEqualTo(200);

        http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"errorsAsHttp200\": false}")).build());
        assertThat(http.create(SimHttp.textTask("q")).status()).isEqualTo(402);
        sim.updateFaults(f -> f.toBuilder().errorsAsHttp200(true).build());
        assertThat(http.create(SimHttp.textTask("q")).status()).as("a mode, kept by toBuilder()").isEqualTo(200);
    }
}
