package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the API made for each request (the simulator's tasks, by the request id that ends each prompt)
 * against what the request's one event names: its own task ({@code taskId}), the other attempts that may
 * have made a task ({@code earlierAttempts}) and the other tasks known ({@code otherTaskIds}). A task the
 * API made that the event does not count is a charge the application cannot see.
 */
final class RequestLedger {

    /** One request: the simulator's task ids for it and its event (null when it has none). */
    record Row(String requestId, Set<String> tasks, JsonNode event) {
        /** Tasks the event counts: its own, plus the other attempts it names. */
        int named() {
            int own = event.hasNonNull("taskId") && !event.path("taskId").asText().isEmpty() ? 1 : 0;
            return own + event.path("earlierAttempts").asInt(0);
        }

        /** The task ids the event names (its own and {@code otherTaskIds}). */
        Set<String> namedIds() {
            Set<String> ids = new TreeSet<>();
            if (event.hasNonNull("taskId")) {
                ids.add(event.path("taskId").asText());
            }
            event.path("otherTaskIds").forEach(t -> ids.add(t.asText()));
            return ids;
        }

        String line() {
            return String.format("%s: %d task(s) %s; event %s attempt %s, earlierAttempts %s, otherTaskIds %s, adopted %s, taskId %s",
                    requestId, tasks.size(), tasks, event.path("state").asText(), event.path("attempt"), event.path("earlierAttempts"),
                    event.path("otherTaskIds"), event.path("adopted"), event.path("taskId").asText());
        }
    }

    private final Map<String, Row> rows = new TreeMap<>();

    /** Joins the simulator's stats (with its {@code tasks}) to the events of {@code requestIds}. */
    RequestLedger(JsonNode simulatorStats, Map<String, JsonNode> events, Set<String> requestIds) {
        Map<String, Set<String>> tasks = new TreeMap<>();
        requestIds.forEach(id -> tasks.put(id, new TreeSet<>()));
        simulatorStats.path("tasks").forEach(t -> {
            String prompt = t.path("input").path("prompt").asText();
            String id = prompt.substring(prompt.lastIndexOf(' ') + 1);
            if (tasks.containsKey(id)) {
                tasks.get(id).add(t.path("taskId").asText());
            }
        });
        tasks.forEach((id, ids) -> rows.put(id, new Row(id, ids, events.get(id))));
    }

    List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    /** All tasks the API made for these requests. */
    int tasks() {
        return rows.values().stream().mapToInt(r -> r.tasks().size()).sum();
    }

    /** Tasks beyond the first of their request. */
    int secondTasks() {
        return rows.values().stream().mapToInt(r -> Math.max(0, r.tasks().size() - 1)).sum();
    }

    /** Requests whose event counts fewer tasks than the API made: a charge nobody is told of. */
    List<String> unnamed() {
        return rows.values().stream().filter(r -> r.named() < r.tasks().size()).map(Row::line).toList();
    }

    /** Requests whose event counts more tasks than the API made: attempts named that created nothing. */
    List<String> overNamed() {
        return rows.values().stream().filter(r -> r.named() > r.tasks().size()).map(Row::line).toList();
    }

    /** Requests whose event does not name exactly the tasks the API made for it, by id. */
    List<String> idsNotAsMade() {
        return rows.values().stream().filter(r -> !r.namedIds().equals(r.tasks())).map(Row::line).toList();
    }

    long count(String state) {
        return rows.values().stream().filter(r -> state.equals(r.event().path("state").asText())).count();
    }

    long adopted() {
        return rows.values().stream().filter(r -> r.event().path("adopted").asBoolean(false)).count();
    }
}
