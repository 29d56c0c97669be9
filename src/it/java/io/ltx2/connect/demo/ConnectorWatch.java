package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the worker's REST status of some connectors each time it is asked to, and keeps every sight of a
 * connector or task that was not RUNNING (a task the worker killed shows FAILED with its trace until a
 * manual restart), and of a task count other than the one expected.
 */
final class ConnectorWatch {
    private final ConnectRestClient rest;
    /** Connector name to the tasks it must run. */
    private final Map<String, Integer> expectedTasks;
    /** What was seen (connector, task, state) to its first sighting, with the time and the root cause of a failure. */
    private final Map<String, String> sightings = new LinkedHashMap<>();
    private final List<String> failed = new ArrayList<>();
    private final long startedAt = System.nanoTime();
    private int checks;

    ConnectorWatch(ConnectRestClient rest, Map<String, Integer> expectedTasks) {
        this.rest = rest;
        this.expectedTasks = Map.copyOf(expectedTasks);
    }

    /** One look at every connector's status. */
    void check() {
        checks++;
        double at = (System.nanoTime() - startedAt) / 1e9;
        expectedTasks.forEach((name, tasks) -> {
            JsonNode status = rest.status(name);
            String connector = status.path("connector").path("state").asText();
            if (!"RUNNING".equals(connector)) {
                String cause = "FAILED".equals(connector) ? ": " + ConnectRestClient.rootCause(status.path("connector").path("trace").asText()) : "";
                seen(name + " connector " + connector, at, cause);
            }
            if (status.path("tasks").size() != tasks) {
                seen(name + " with " + status.path("tasks").size() + " tasks, not " + tasks, at, "");
            }
            for (JsonNode task : status.path("tasks")) {
                String state = task.path("state").asText();
                if (!"RUNNING".equals(state)) {
                    String cause = task.has("trace") ? ": " + ConnectRestClient.rootCause(task.path("trace").asText()) : "";
                    seen(name + " task " + task.path("id").asText() + " " + state, at, cause);
                }
            }
        });
    }

    private void seen(String what, double at, String cause) {
        String line = String.format("%s (first seen %.1f s after the watch began)%s", what, at, cause);
        if (sightings.putIfAbsent(what, line) == null && what.endsWith(" FAILED")) {
            failed.add(line);
        }
    }

    /** The connectors and tasks seen FAILED (the worker does not restart them), with their root causes. */
    List<String> failed() {
        return List.copyOf(failed);
    }

    /** Every state other than RUNNING seen so far (empty when all ran at every look). */
    List<String> notRunning() {
        return new ArrayList<>(sightings.values());
    }

    int checks() {
        return checks;
    }
}
