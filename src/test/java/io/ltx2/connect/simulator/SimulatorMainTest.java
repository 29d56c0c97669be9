package io.ltx2.connect.simulator;

import io.ltx2.connect.api.TestCertificates;
import io.ltx2.connect.api.TlsContextFactory;
import io.ltx2.connect.api.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import java.net.URI;
import java.nio.file.Path;

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
    void accountAndErrorShapeFlagsConfigureTheSimulator() throws Exception {
        ApiSimulator.Builder b = SimulatorMain.parse(new String[] {"--port", "0", "--balance-seconds", "15",
            "--price-per-second", "0.2", "--errors-as-http-200", "--faults", "{\"statusErrorRate\": 0.5}"});
        try (ApiSimulator sim = b.build().start()) {
            assertThat(sim.balanceSeconds()).isEqualTo(15);
            assertThat(sim.pricePerSecond()).isEqualTo(0.2);
            assertThat(sim.faults().errorsAsHttp200()).isTrue();
            assertThat(sim.faults().statusErrorRate()).as("--faults is kept").isEqualTo(0.5);
            SimHttp http = new SimHttp(sim, ApiSimulator.DEFAULT_API_KEY);
            http.createOk(SimHttp.textTask("ten seconds"));
            SimHttp.Answer refused = http.create(SimHttp.textTask("ten more"));
            assertThat(refused.status()).isEqualTo(200);
            assertThat(refused.json().get("code").asInt()).isEqualTo(402);
        }
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--balance-seconds", "-1"})).hasMessageContaining("balanceSeconds");
    }

    @Test
    void tlsFlagsServeHttpsWithTheKeystoresCertificate(@TempDir Path dir) throws Exception {
        TestCertificates.Ca ca = TestCertificates.newCa("simulator main CA");
        Path keystore = ca.issueServer("simulator", "IP:127.0.0.1").writeKeystore(dir.resolve("sim.p12"), "PKCS12", "sim-pw", "sim-pw");
        ApiSimulator.Builder b = SimulatorMain.parse(new String[] {"--port", "0", "--tls-keystore", keystore.toString(), "--tls-password", "sim-pw"});
        try (ApiSimulator sim = b.build().start()) {
            assertThat(sim.tls()).isTrue();
            assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:").endsWith("/api/v1");
            assertThat(sim.adminUrl()).startsWith("https://127.0.0.1:");
            HttpsURLConnection stats = (HttpsURLConnection) URI.create(sim.adminUrl() + "/stats").toURL().openConnection();
            stats.setSSLSocketFactory(TlsContextFactory.create(new TlsSettings(null, ca.pem(), null, null, null, true)).getSocketFactory());
            assertThat(stats.getResponseCode()).isEqualTo(200);
            stats.disconnect();
        }
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--tls-keystore", keystore.toString(), "--tls-password", "wrong"}))
                .hasMessageContaining("--tls-keystore");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--tls-password", "x"})).hasMessageContaining("needs --tls-keystore");
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
