package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The project's APIXO simulator ({@code SimulatorMain}) in its own JVM, on a free loopback port. */
public final class LocalSimulator implements AutoCloseable {

    static final String MAIN_CLASS = "io.ltx2.connect.simulator.SimulatorMain";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final JavaProcess process;
    private final int port;

    private LocalSimulator(JavaProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the simulator with the launcher's own class path (it holds the simulator's classes and
     * Jackson), generation times multiplied by {@code timeScale}, accepting only {@code apiKey}.
     */
    public static LocalSimulator start(Path runDir, Path log4jConfig, double timeScale, String apiKey) {
        int port = FreePorts.pick();
        List<String> classpath = Arrays.asList(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
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
