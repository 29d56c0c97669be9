package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The few calls of the Connect REST API that the demo and the real-worker test make. */
public final class ConnectRestClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONFLICT_RETRY = Duration.ofSeconds(30);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The worker has joined its group and serves requests: {@code GET /health} (KIP-1017, Kafka 3.9+)
     * answers 200; on an older worker, which answers that path with 404, {@code GET /connectors} answers
     * 200 (a distributed worker serves it only once it has read the config topic and joined its group).
     */
    public boolean healthy() {
        try {
            int health = healthStatus();
            if (health == 404) {
                return send(HttpRequest.newBuilder(uri("/connectors")).GET()).statusCode() == 200;
            }
            return health == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The HTTP status of {@code GET /health}: 200 once ready on Kafka 3.9+, 404 on an older worker, which lacks the endpoint. */
    public int healthStatus() {
        return sendOnce(HttpRequest.newBuilder(uri("/health")).timeout(CALL_TIMEOUT).GET().build()).statusCode();
    }

    /** {@code GET /}: the worker's Kafka version, e.g. {@code 3.9.2}. */
    public String workerVersion() {
        return json(expectOk(send(HttpRequest.newBuilder(uri("/")).GET()), "read the worker's version")).path("version").asText();
    }

    /** {@code GET /connector-plugins}: class, type and version of every connector the worker loaded. */
    public JsonNode connectorPlugins() {
        return json(expectOk(send(HttpRequest.newBuilder(uri("/connector-plugins")).GET()), "list connector plugins"));
    }

    /** Creates or updates a connector ({@code PUT /connectors/NAME/config}, idempotent). */
    public void putConnector(String name, Map<String, String> config) {
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/connectors/" + encode(name) + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        expectOk(response, "deploy connector " + name);
    }

    /**
     * Restarts the connector's failed instances ({@code POST .../restart?includeTasks=true&onlyFailed=true}):
     * a PUT of an unchanged config does not restart a task that failed earlier.
     */
    public void restartFailed(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/connectors/" + encode(name) + "/restart?includeTasks=true&onlyFailed=true"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() != 404) {  // 404: just created, no status yet, so nothing failed
            expectOk(response, "restart the failed tasks of connector " + name);
        }
    }

    public JsonNode status(String name) {
        return json(expectOk(send(HttpRequest.newBuilder(uri("/connectors/" + encode(name) + "/status")).GET()),
                "read the status of connector " + name));
    }

    /**
     * The first failure of the connector or one of its tasks, as "task 0 FAILED: <root cause>", or
     * empty while everything runs.
     */
    public Optional<String> failure(String name) {
        return failure(status(name));
    }

    private static Optional<String> failure(JsonNode status) {
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            return Optional.of("connector FAILED: " + rootCause(status.path("connector").path("trace").asText()));
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                return Optional.of("task " + task.path("id").asText() + " FAILED: " + rootCause(task.path("trace").asText()));
            }
        }
        return Optional.empty();
    }

    /** The innermost "Caused by:" line of a Java stack trace, else its first line. */
    static String rootCause(String trace) {
        String cause = trace.lines().findFirst().orElse("");
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause;
    }

    public void deleteConnector(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/connectors/" + encode(name))).DELETE());
        if (response.statusCode() != 404) {
            expectOk(response, "delete connector " + name);
        }
    }

    /**
     * Waits until the connector and at least one task run. A FAILED state counts only once it has
     * lasted {@link #FAILED_GRACE}: right after a PUT or restart the status can still show the
     * previous instance's failure. Fails with the root cause of the trace.
     */
    public void awaitRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long failedSince = 0;
        String last = "no status yet";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/connectors/" + encode(name) + "/status")).GET());
            if (response.statusCode() == 200) {
                JsonNode status = json(response.body());
                last = status.toString();
                Optional<String> failure = failure(status);
                if (failure.isPresent()) {
                    failedSince = failedSince == 0 ? System.nanoTime() : failedSince;
                    if (System.nanoTime() - failedSince > FAILED_GRACE.toNanos()) {
                        throw new IllegalStateException(name + ": " + failure.get());
                    }
                } else {
                    failedSince = 0;
                    boolean allRunning = status.path("tasks").size() > 0;
                    for (JsonNode task : status.path("tasks")) {
                        allRunning &= "RUNNING".equals(task.path("state").asText());
                    }
                    if ("RUNNING".equals(status.path("connector").path("state").asText()) && allRunning) {
                        return;
                    }
                }
            }
            sleep(250);
        }
        throw new IllegalStateException("connector " + name + " not running within " + timeout + "; last status: " + last);
    }

    private static final Duration FAILED_GRACE = Duration.ofSeconds(5);

    /**
     * Sends a call; a 409 (the worker is rebalancing, or its config is momentarily stale, as right
     * after a connector is created) is retried for up to {@link #CONFLICT_RETRY}.
     */
    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(CALL_TIMEOUT).build();
        long deadline = System.nanoTime() + CONFLICT_RETRY.toNanos();
        HttpResponse<String> response = sendOnce(built);
        while (response.statusCode() == 409 && System.nanoTime() < deadline) {
            sleep(500);
            response = sendOnce(built);
        }
        return response;
    }

    private HttpResponse<String> sendOnce(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Connect REST call to " + baseUrl + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("cannot " + what + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
