package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Outages of a set length: the calls they take get their 5xx with the vendor's body and do nothing, for that long from when the faults are set; an event, like the 429 storm. */
class SimulatorOutageTest extends SimulatorTestBase {

    @Test
    void anOutageOfAllEndpointsAnswers503ForItsDurationAndCreatesNothing() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE));
        SimHttp http = new SimHttp(sim, KEY);
        String before = http.createOk(SimHttp.textTask("before"));
        long t0 = System.currentTimeMillis();
        sim.setFaults(Faults.builder().outage(1_500, 503, Faults.OutageScope.ALL, null).build());

        SimHttp.Answer create = http.create(SimHttp.textTask("during"));
        SimHttp.Answer status = http.status(before);
        SimHttp.Answer balance = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/apikeys/current-balance"))
                .header("Authorization", "Bearer " + KEY).GET().build());

        assertThat(create.status()).isEqualTo(503);
        assertThat(create.json().get("code").asInt()).isEqualTo(503);
        assertThat(create.data().get("error").asText()).contains("temporarily unavailable");
        assertThat(create.retryAfter()).as("no Retry-After unless asked for").isNull();
        assertThat(status.status()).isEqualTo(503);
        assertThat(balance.status()).isEqualTo(503);
        assertThat(http.create(SimHttp.textTask("p"), "wrong-key").status()).as("the API is down before it checks keys").isEqualTo(503);
        SimulatorStats stats = sim.stats();
        assertThat(stats.tasksCreated()).isEqualTo(1);
        assertThat(stats.statusCallsFor(before)).as("a call taken by the outage does nothing").isZero();
        assertThat(stats.outageErrors()).isEqualTo(4);
        assertThat(stats.injectedErrors()).isZero();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.create(SimHttp.textTask("after")).status() == 200);
        assertThat(System.currentTimeMillis() - t0).as("the outage lasted its duration").isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void anOutageTakesOnlyItsEndpointsWithItsStatusAndRetryAfter() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE)
                .faults(Faults.builder().outage(60_000, 502, Faults.OutageScope.CREATE, 4).build()));
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer create = http.create(SimHttp.textTask("p"));

        assertThat(create.status()).isEqualTo(502);
        assertThat(create.retryAfter()).isEqualTo("4");
        assertThat(http.status("unknown").status()).as("status calls are not taken").isEqualTo(404);

        sim.setFaults(Faults.builder().outage(60_000, 503, Faults.OutageScope.STATUS, null).build());
        String id = http.createOk(SimHttp.textTask("p"));
        assertThat(http.status(id).status()).isEqualTo(503);
    }

    @Test
    void anOutageIsAnEventNotCarriedOverWhenOtherFaultsChange() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE));
        SimHttp http = new SimHttp(sim, KEY);
        SimHttp.Answer set = http.send(admin(sim, "{\"outageDurationMs\": 60000, \"outageEndpoints\": \"CREATE\", \"outageRetryAfterSeconds\": 2}"));
        assertThat(set.json().get("outageStatus").asInt()).as("503 by default").isEqualTo(503);
        assertThat(http.create(SimHttp.textTask("p")).status()).isEqualTo(503);

        http.send(admin(sim, "{\"statusLatencyMs\": 1}"));
        assertThat(http.create(SimHttp.textTask("p")).status()).as("an admin change without it ends it").isEqualTo(200);
        sim.setFaults(Faults.builder().outage(60_000, 503, Faults.OutageScope.ALL, null).build());
        sim.updateFaults(f -> f.toBuilder().latency(Endpoint.CREATE, 1).build());
        assertThat(http.create(SimHttp.textTask("p")).status()).as("toBuilder() does not carry it").isEqualTo(200);
        assertThat(sim.faults().outageDurationMs()).isZero();

        assertThat(http.send(admin(sim, "{\"outageDurationMs\": 1000, \"outageStatus\": 404}")).status()).isEqualTo(400);
        assertThatThrownBy(() -> Faults.builder().outage(1_000, 200, Faults.OutageScope.ALL, null).build())
                .hasMessageContaining("outageStatus");
        assertThatThrownBy(() -> Faults.builder().outage(1_000, 503, Faults.OutageScope.ALL, -1).build())
                .hasMessageContaining("outageRetryAfterSeconds");
    }

    private static HttpRequest admin(ApiSimulator sim, String post) {
        return HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults")).POST(HttpRequest.BodyPublishers.ofString(post)).build();
    }
}
