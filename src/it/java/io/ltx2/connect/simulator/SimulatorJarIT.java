package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runnable simulator jar that {@code mvn package} builds (system property
 * {@code ltx.simulator.jar}): {@code java -jar} serves the API and the admin endpoints, and the jar
 * holds the simulator, the plugin classes it uses and its libraries, but no test class.
 */
class SimulatorJarIT {

    private static final String KEY = "jar-it-key";
    private static final Path LOG = Path.of("target", "simulator-jar-it.log");
    private static final Path SIMULATOR_SOURCES = Path.of("src", "simulator", "java", "io", "ltx2", "connect", "simulator");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void javaDashJarServesTheApiAndTheAdminEndpointsUntilStopped() throws Exception {
        int port = freePort();
        Path log = LOG;
        Files.deleteIfExists(log);
        Process simulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar().toString(), "--port", Integer.toString(port), "--time-scale", "0.01",
                "--api-key", KEY)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String root = "http://127.0.0.1:" + port;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .failFast("the simulator exited; see " + LOG, () -> !simulator.isAlive())
                    .until(() -> get(root + "/_sim/stats").statusCode() == 200);

            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(root + "/api/v1/generateTask/ltx-2-19b"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"prompt\": \"a fox\", \"resolution\": \"480p\"}}"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String taskId = Json.MAPPER.readTree(created.body()).at("/data/taskId").asText();
            assertThat(taskId).isNotBlank();

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(root + "/api/v1/generateTask/ltx-2-19b"))
                    .header("Authorization", "Bearer wrong").POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("only --api-key is accepted").isEqualTo(401);

            JsonNode stats = Json.MAPPER.readTree(get(root + "/_sim/stats").body());
            assertThat(stats.path("createCalls").asLong()).isEqualTo(2);
            assertThat(stats.path("tasksCreated").asLong()).isEqualTo(1);
            assertThat(stats.path("authFailures").asLong()).isEqualTo(1);
            assertThat(stats.at("/tasks/" + taskId + "/createTime").asLong()).isPositive();
        } finally {
            simulator.destroy(); // SIGTERM: SimulatorMain's shutdown hook closes the server
            assertThat(simulator.waitFor(30, TimeUnit.SECONDS)).as("the simulator exits on SIGTERM").isTrue();
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                .contains("ltx.api.url=http://127.0.0.1:" + port + "/api/v1")
                .contains("APIXO simulator listening");
    }

    @Test
    void jarHoldsTheSimulatorItsPluginClassesAndLibrariesButNoTestClass() throws IOException {
        List<String> classes = new ArrayList<>();
        try (JarFile jar = new JarFile(jar().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.ltx2.connect.simulator.SimulatorMain");
            for (ZipEntry entry : Collections.list(jar.entries())) {
                if (entry.getName().endsWith(".class")) {
                    classes.add(entry.getName());
                }
            }
        }
        assertThat(classes).contains("io/ltx2/connect/simulator/ApiSimulator.class",
                "io/ltx2/connect/api/InputValidator.class", "io/ltx2/connect/util/Json.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class", "org/slf4j/LoggerFactory.class",
                "org/slf4j/simple/SimpleServiceProvider.class");
        for (String name : classes) {
            assertThat(name).as("only the simulator and the plugin packages it may import")
                    .matches("io/ltx2/connect/(simulator|api|util)/.*|com/fasterxml/jackson/.*|org/slf4j/.*");
            if (name.startsWith("io/ltx2/connect/simulator/")) {
                String topLevel = name.substring("io/ltx2/connect/simulator/".length()).replaceAll("[$.].*", "");
                assertThat(SIMULATOR_SOURCES.resolve(topLevel + ".java"))
                        .as("%s comes from src/simulator/java, not from the tests", name).isRegularFile();
            }
        }
    }

    private static Path jar() {
        String jar = System.getProperty("ltx.simulator.jar");
        assertThat(jar).as("system property ltx.simulator.jar (set by the failsafe configuration)").isNotBlank();
        assertThat(Path.of(jar)).as("built by mvn package").isRegularFile();
        return Path.of(jar);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
