package io.ltx2.connect.simulator;

import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Fault injection, per endpoint and changeable at run time: 5xx, latency, hangs, lost create answers, callback faults, 429 storms and malformed status answers. */
class SimulatorFaultsTest extends SimulatorTestBase {

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

        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + "/statusTask/" + sim.model() + "?taskId=" + id))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofMillis(500)).GET().build();
        assertThatThrownBy(() -> http.send(request))
                .hasCauseInstanceOf(HttpTimeoutException.class);

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

        assertThatThrownBy(() -> http.create(SimHttp.textTask("billed")))
                .isInstanceOf(UncheckedIOException.class);
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
        http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusLatencyMs\": 1}")).build());
        assertThat(http.create(SimHttp.textTask("p")).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Faults.MalformedKind.class)
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
                assertThatThrownBy(() -> Json.MAPPER.readTree(answer.data().get("resultJson").asText()))
                        .isInstanceOf(IOException.class);
            }
            default -> throw new AssertionError(kind);
        }
        assertThat(sim.stats().malformedAnswers()).isEqualTo(1);
    }
}
