package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorMainTest {

    @Test
    void flagsConfigureTheSimulator() throws Exception {
        ApiSimulator.Builder b = SimulatorMain.parse(new String[] {"--port", "0", "--time-scale", "0.02", "--api-key", "a,b",
            "--limits", "off", "--seed", "3", "--max-concurrent", "5", "--faults", "{\"statusErrorRate\": 0.25}"});
        try (ApiSimulator sim = b.build().start()) {
            assertThat(sim.timeScale()).isEqualTo(0.02);
            assertThat(sim.faults().statusErrorRate()).isEqualTo(0.25);
            assertThat(sim.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/api/v1");
            assertThat(sim.port()).isPositive();
            SimHttp http = new SimHttp(sim, "b");
            for (int i = 0; i < 6; i++) {
                http.createOk(SimHttp.textTask("p" + i)); // limits off: the sixth is not refused
            }
            assertThat(http.create(SimHttp.textTask("p"), "c").status()).isEqualTo(401);
        }
    }

    @Test
    void helpAndBadFlagsAreRecognised() {
        assertThat(SimulatorMain.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--nope", "1"})).hasMessageContaining("--nope");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--port"})).hasMessageContaining("missing value");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--seed", "x"})).hasMessageContaining("not a number");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--limits", "maybe"})).hasMessageContaining("on or off");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--faults", "{\"statusErrorRate\": 3}"})).hasMessageContaining("--faults");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--faults", "[1]"})).hasMessageContaining("--faults");
    }
}
