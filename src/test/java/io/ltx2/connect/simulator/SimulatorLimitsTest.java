package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits per key: calls in a sliding window and tasks pending or processing, each with 429 and {@code Retry-After}, switchable off, on the injected clock. */
class SimulatorLimitsTest extends SimulatorTestBase {

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
}
