package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** What the simulator's tests share: simulators started for a test and closed after it, and a few helpers. */
abstract class SimulatorTestBase {
    static final String KEY = "test-key-1";
    static final double SCALE = 0.01;

    private final List<ApiSimulator> started = new ArrayList<>();

    ApiSimulator start(ApiSimulator.Builder builder) throws Exception {
        ApiSimulator sim = builder.build().start();
        started.add(sim);
        return sim;
    }

    static ApiSimulator.Builder sim() {
        return ApiSimulator.builder().apiKey(KEY);
    }

    ApiSimulator startDefault() throws Exception {
        return start(sim().timeScale(SCALE));
    }

    @AfterEach
    void stopAll() {
        started.forEach(ApiSimulator::close);
    }

    static String callbackTask(String url, String prompt) {
        return "{\"request_type\": \"callback\", \"callback_url\": \"" + url + "\", \"input\": {\"prompt\": \"" + prompt + "\"}}";
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
