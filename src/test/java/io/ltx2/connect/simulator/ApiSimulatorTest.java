package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The simulator's lifecycle: what starting it changes in the JVM, and what closing it stops. */
class ApiSimulatorTest extends SimulatorTestBase {
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    @Test
    void onlyStartingTurnsNagleOffForTheJdkServerAndAnEarlierChoiceIsKept() throws Exception {
        String before = System.getProperty(NODELAY);
        try {
            System.clearProperty(NODELAY);
            ApiSimulator.Builder builder = sim().timeScale(SCALE);
            ApiSimulator sim = builder.build();
            assertThat(System.getProperty(NODELAY)).as("building a simulator changes nothing in the JVM").isNull();
            try (ApiSimulator running = sim.start()) {
                assertThat(System.getProperty(NODELAY)).isEqualTo("true");
            }
            System.setProperty(NODELAY, "false");
            try (ApiSimulator running = builder.build().start()) {
                assertThat(System.getProperty(NODELAY)).as("a value set before is kept").isEqualTo("false");
            }
        } finally {
            if (before == null) {
                System.clearProperty(NODELAY);
            } else {
                System.setProperty(NODELAY, before);
            }
        }
    }

    @Test
    void closeStopsTheServerAndItsThreads() throws Exception {
        ApiSimulator sim = startDefault();
        try (TestReceiver receiver = new TestReceiver()) {
            SimHttp http = new SimHttp(sim, KEY);
            http.createOk(callbackTask(receiver.url(), "pending callback"));
            String url = sim.baseUrl();

            sim.close();

            assertThat(simulatorThreads()).isZero();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/statusTask/x?taskId=y"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            assertThatThrownBy(() -> http.send(request)).isInstanceOf(UncheckedIOException.class);
        }
    }

    private static long simulatorThreads() {
        long[] count = new long[1];
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            count[0] = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("ltx-sim-")).count();
            return count[0] == 0;
        });
        return count[0];
    }
}
