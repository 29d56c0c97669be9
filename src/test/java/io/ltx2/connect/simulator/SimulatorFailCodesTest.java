package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every documented fail code on demand ({@code #fail:<CODE>}, {@code #fail:<CODE>:<N>} for the first N tasks of a payload) and random failures for soaks, deterministic for a seed. */
class SimulatorFailCodesTest extends SimulatorTestBase {

    static Set<String> documentedCodes() {
        return FailCodes.DOCUMENTED.keySet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedCodes")
    void theMarkerFailsTheTaskWithTheCodeAndTheVendorsMessageAfterAShortProcessingTime(String code) throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        String id = http.createOk(SimHttp.textTask("a fox #fail:" + code));

        JsonNode data = awaitTerminal(http, id);

        assertThat(data.get("state").asText()).isEqualTo("failed");
        assertThat(data.get("failCode").asText()).isEqualTo(code);
        assertThat(data.get("failMsg").asText()).isEqualTo(FailCodes.DOCUMENTED.get(code));
        assertThat(data.get("costTime").asLong()).as("3-8 s of processing, scaled").isBetween(30L, 80L);
    }

    @Test
    void aCodeTheVendorDoesNotDocumentIsUsedAsGiven() throws Exception {
        ApiSimulator sim = startDefault();
        String id = new SimHttp(sim, KEY).createOk(SimHttp.textTask("#fail:SensitiveContentDetected in the prompt"));

        assertThat(sim.stats().tasks().get(id).failCode()).isEqualTo("SensitiveContentDetected");
        assertThat(awaitTerminal(new SimHttp(sim, KEY), id).get("failMsg").asText()).contains("SensitiveContentDetected");
    }

    @Test
    void aCountedMarkerFailsOnlyTheFirstTasksOfThatExactPayloadSoAResubmissionSucceeds() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);
        String body = SimHttp.textTask("retry me #fail:PROCESSING_TIMEOUT:2");

        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = http.createOk(body);
            outcomes.add(sim.stats().tasks().get(id).finalState());
        }
        String other = http.createOk("{\"input\": {\"prompt\": \"retry me #fail:PROCESSING_TIMEOUT:2\", \"duration\": 5}}");

        assertThat(outcomes).containsExactly("failed", "failed", "success");
        assertThat(sim.stats().tasks().get(other).failCode()).as("another payload counts on its own").isEqualTo("PROCESSING_TIMEOUT");
        sim.reset();
        String afterReset = http.createOk(body);
        assertThat(sim.stats().tasks().get(afterReset).finalState()).as("a reset forgets the count").isEqualTo("failed");
    }

    @Test
    void randomFailuresUseTheGivenCodesAndAreDeterministicForASeed() throws Exception {
        Faults half = Faults.builder().randomFailures(0.5, "MODEL_UNAVAILABLE", "GENERATION_FAILED").build();
        List<String> first = failCodes(start(sim().seed(5).timeScale(SCALE).faults(half)), 40);
        List<String> second = failCodes(start(sim().seed(5).timeScale(SCALE).faults(half)), 40);
        List<String> otherSeed = failCodes(start(sim().seed(6).timeScale(SCALE).faults(half)), 40);

        assertThat(first).isEqualTo(second).isNotEqualTo(otherSeed)
                .contains("MODEL_UNAVAILABLE", "GENERATION_FAILED", "-")
                .containsOnly("MODEL_UNAVAILABLE", "GENERATION_FAILED", "-");
    }

    @Test
    void randomFailuresWithoutCodesChooseAmongTheDocumentedOnesAndAreSetOverHttp() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp.Answer set = new SimHttp(sim, KEY).send(HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"failCodeRate\": 1.0}")).build());
        assertThat(set.status()).isEqualTo(200);

        assertThat(failCodes(sim, 30)).doesNotContain("-").allMatch(FailCodes.DOCUMENTED::containsKey);
        sim.setFaults(Faults.builder().randomFailures(1.0, "X_ONLY").build());
        assertThat(failCodes(sim, 2)).containsOnly("X_ONLY");
    }

    /** The fail code of each of {@code n} new tasks ({@code -} for one that succeeds). */
    private static List<String> failCodes(ApiSimulator sim, int n) {
        SimHttp http = new SimHttp(sim, KEY);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = http.createOk(SimHttp.textTask("p" + i));
            String code = sim.stats().tasks().get(id).failCode();
            codes.add(code == null ? "-" : code);
        }
        return codes;
    }
}
