package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.util.Version;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The project's APIXO simulator in its own JVM, on a free loopback port: the runnable simulator jar
 * that {@code mvn package} builds ({@code target/ltx2-kafka-connect-simulator-<version>.jar}, or the
 * file the system property {@value #JAR_PROPERTY} names), so the child needs nothing of the
 * launcher's class path.
 */
public final class LocalSimulator implements AutoCloseable {

    static final String MAIN_CLASS = "io.ltx2.connect.simulator.SimulatorMain";
    /** System property naming the simulator jar (the failsafe configuration sets it). */
    public static final String JAR_PROPERTY = "ltx.simulator.jar";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final JavaProcess process;
    private final int port;

    private LocalSimulator(JavaProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the simulator jar ({@link #jar()}), generation times multiplied by {@code timeScale},
     * accepting only {@code apiKey}. It logs through its own SLF4J binding to {@code runDir/simulator.log}.
     */
    public static LocalSimulator start(Path runDir, Path log4jConfig, double timeScale, String apiKey) {
        int port = FreePorts.pick();
        // -cp JAR MAIN rather than -jar JAR: the main class on the command line is what JavaProcess
        // checks before it signals the process.
        List<String> classpath = List.of(jar().toAbsolutePath().toString());
        JavaProcess sim = JavaProcess.start("simulator", runDir, classpath, ChildJvm.args(log4jConfig), MAIN_CLASS,
                List.of("--port", Integer.toString(port), "--time-scale", Double.toString(timeScale), "--api-key", apiKey));
        try {
            FreePorts.await("API simulator on port " + port, READY_TIMEOUT, sim::checkAlive, () -> FreePorts.isListening(port));
        } catch (RuntimeException e) {
            sim.stop();
            throw e;
        }
        return new LocalSimulator(sim, port);
    }

    /**
     * The simulator jar: the file {@value #JAR_PROPERTY} names, else the one {@code mvn package} builds
     * for this version under {@code target/} (the demo runs from the project folder).
     */
    static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        Path jar = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("target", "ltx2-kafka-connect-simulator-" + Version.get() + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no simulator jar at " + jar.toAbsolutePath()
                    + " (build it with: mvn -DskipTests package)");
        }
        return jar;
    }

    /** Base URL of the simulated API, the value for {@code ltx.api.url}. */
    public String apiUrl() {
        return rootUrl() + "/api/v1";
    }

    /** The simulator's own root (admin endpoints such as {@code /_sim/stats}). */
    public String rootUrl() {
        return "http://" + FreePorts.LOOPBACK + ":" + port;
    }

    /** The simulator's counters ({@code GET /_sim/stats}). */
    public JsonNode stats() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(rootUrl() + "/_sim/stats")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /_sim/stats answered HTTP " + response.statusCode());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulator's stats", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop();
    }
}
