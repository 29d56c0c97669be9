package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin endpoints under {@code /_sim/}, no key needed and never delayed by faults:
 * {@code GET stats} (with {@code ?tasks=false} without the per-task part), {@code GET faults},
 * {@code POST faults} (the posted fields are merged into the current faults), {@code POST reset}.
 */
final class AdminHandler {
    private final ApiSimulator simulator;

    AdminHandler(ApiSimulator simulator) {
        this.simulator = simulator;
    }

    /** Handles {@code /_sim/what}. */
    void handle(HttpExchange ex, String what) throws IOException {
        byte[] body = Exchanges.readBody(ex);
        String method = ex.getRequestMethod();
        if (what.equals("stats") && method.equals("GET")) {
            ObjectNode stats = Json.MAPPER.valueToTree(simulator.stats());
            if ("false".equals(Exchanges.queryParam(ex.getRequestURI().getRawQuery(), "tasks"))) {
                stats.remove("tasks"); // large with many tasks; the aggregates stay
            }
            Responder.sendNow(ex, 200, stats);
        } else if (what.equals("faults") && method.equals("GET")) {
            Responder.sendNow(ex, 200, Json.MAPPER.valueToTree(simulator.faults()));
        } else if (what.equals("faults") && method.equals("POST")) {
            changeFaults(ex, new String(body, StandardCharsets.UTF_8));
        } else if (what.equals("reset") && method.equals("POST")) {
            simulator.reset();
            Responder.sendNow(ex, 200, Envelopes.ok(null));
        } else {
            Responder.sendNow(ex, 404, Envelopes.error(404, "no such admin endpoint: " + what));
        }
    }

    private void changeFaults(HttpExchange ex, String change) {
        try {
            simulator.setFaults(simulator.faults().withChanges(change));
            Responder.sendNow(ex, 200, Json.MAPPER.valueToTree(simulator.faults()));
        } catch (IllegalArgumentException e) {
            Responder.sendNow(ex, 400, Envelopes.error(400, "faults: " + e.getMessage()));
        }
    }
}
