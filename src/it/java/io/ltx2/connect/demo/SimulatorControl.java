package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The simulator's admin endpoints as a test drives them while a pipeline runs: {@code POST /_sim/faults}
 * (the fields given are merged into the current faults) and {@code POST /_sim/balance}; nothing else.
 */
final class SimulatorControl {
    private final LocalSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SimulatorControl(LocalSimulator simulator) {
        this.simulator = simulator;
    }

    /** Merges these fields ({@code {"lostCreateResponseRate":0.25}}) into the simulator's faults. */
    void faults(String json) {
        post("/_sim/faults", json);
    }

    /** Sets the balance to this many seconds of video. */
    void balanceSeconds(long seconds) {
        post("/_sim/balance", "{\"seconds\":" + seconds + "}");
    }

    /** Adds this many seconds of video to the balance: the account's owner tops it up. */
    void topUp(long seconds) {
        post("/_sim/balance", "{\"add\":" + seconds + "}");
    }

    void unlimitedBalance() {
        post("/_sim/balance", "{\"unlimited\":true}");
    }

    /** The counters and the per-task part ({@code GET /_sim/stats}). */
    JsonNode stats() {
        return simulator.stats();
    }

    private void post(String path, String json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.rootUrl() + path))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST " + path + " " + json + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path + " to the simulator failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
