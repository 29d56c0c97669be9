package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The counters ({@link ApiSimulator#stats()}) and the admin endpoints under {@code /_sim/}. */
class SimulatorStatsAndAdminTest extends SimulatorTestBase {

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
    void adminEndpointsChangeFaultsReportStatsAndResetWithoutAKey() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("p"));

        SimHttp.Answer faults = http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusErrorRate\": 1.0, \"errorStatus\": 502}")).build());
        assertThat(faults.status()).isEqualTo(200);
        assertThat(http.status(id).status()).isEqualTo(502);
        assertThat(sim.faults().statusErrorRate()).isEqualTo(1.0);

        SimHttp.Answer stats = http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/stats")).GET().build());
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.json().get("createCalls").asLong()).isEqualTo(1);
        assertThat(stats.json().get("injectedErrors").asLong()).isEqualTo(1);
        assertThat(stats.json().at("/tasks/" + id + "/createTime").asLong()).isPositive();

        SimHttp.Answer brief = http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/stats?tasks=false")).GET().build());
        assertThat(brief.json().has("tasks")).isFalse();
        assertThat(brief.json().get("createCalls").asLong()).isEqualTo(1);
        assertThat(brief.json().has("maxStatusCallsPerTask")).isTrue();

        SimHttp.Answer bad = http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusErrorRate\": 2}")).build());
        assertThat(bad.status()).isEqualTo(400);

        SimHttp.Answer reset = http.send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.status()).isEqualTo(200);
        assertThat(sim.stats().tasksCreated()).isZero();
        assertThat(sim.faults()).isEqualTo(Faults.NONE);
        assertThat(http.status(id).status()).isEqualTo(404);
    }
}
