package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Speaks the contract with the JDK's HttpClient, independent of the project's own client. */
final class SimHttp {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String model;
    private final String key;

    SimHttp(ApiSimulator sim, String key) {
        this.baseUrl = sim.baseUrl();
        this.model = sim.model();
        this.key = key;
    }

    /** An answer: status, Retry-After header (or null), raw body and the body as JSON (or null). */
    record Answer(int status, String retryAfter, String body, JsonNode json) {
        JsonNode data() {
            return json.get("data");
        }

        String message() {
            return json.path("message").asText();
        }
    }

    Answer create(String body) {
        return create(body, key);
    }

    Answer create(String body, String withKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/generateTask/" + model))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (withKey != null) {
            b.header("Authorization", "Bearer " + withKey);
        }
        return send(b.build());
    }

    /** Creates a task and returns its id, asserting nothing but a 200. */
    String createOk(String body) {
        Answer a = create(body);
        if (a.status() != 200) {
            throw new AssertionError("create answered " + a.status() + ": " + a.body());
        }
        return a.data().get("taskId").asText();
    }

    Answer status(String taskId) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/statusTask/" + model + "?taskId="
                        + URLEncoder.encode(taskId, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key)
                .GET().build());
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null), r.body(), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String textTask(String prompt) {
        return "{\"input\": {\"prompt\": \"" + prompt + "\"}}";
    }
}
