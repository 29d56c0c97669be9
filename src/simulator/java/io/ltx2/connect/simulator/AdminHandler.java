package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin endpoints under {@code /_sim/}, no key needed and never delayed by faults:
 * {@code GET stats} (with {@code ?tasks=false} without the per-task part), {@code GET faults},
 * {@code POST faults} (the posted fields are merged into the current faults), {@code GET balance},
 * {@code POST balance} ({@code {"seconds":N}} sets it, {@code {"add":N}} tops it up,
 * {@code {"unlimited":true}} lifts the limit), {@code POST reset}.
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
        } else if (what.equals("balance") && method.equals("GET")) {
            Responder.sendNow(ex, 200, balance());
        } else if (what.equals("balance") && method.equals("POST")) {
            changeBalance(ex, body);
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

    /** {@code {"seconds": N or null, "unlimited": bool, "usd": x, "pricePerSecond": p}}. */
    private ObjectNode balance() {
        Long seconds = simulator.balanceSeconds();
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (seconds == null) {
            node.putNull("seconds");
        } else {
            node.put("seconds", seconds);
        }
        node.put("unlimited", seconds == null);
        node.put("usd", BalanceHandler.usd(seconds, simulator.pricePerSecond()));
        node.put("pricePerSecond", simulator.pricePerSecond());
        return node;
    }

    private void changeBalance(HttpExchange ex, byte[] body) {
        try {
            JsonNode change = body.length == 0 ? null : Json.MAPPER.readTree(body);
            if (change == null || !change.isObject()) {
                throw new IllegalArgumentException("must be a JSON object");
            }
            if (change.path("unlimited").asBoolean(false)) {
                simulator.setBalanceSeconds(null);
            } else if (change.path("seconds").canConvertToLong()) {
                simulator.setBalanceSeconds(change.get("seconds").asLong());
            } else if (change.path("add").canConvertToLong()) {
                simulator.topUpSeconds(change.get("add").asLong());
            } else {
                throw new IllegalArgumentException("give {\"seconds\": N}, {\"add\": N} or {\"unlimited\": true}");
            }
            Responder.sendNow(ex, 200, balance());
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            Responder.sendNow(ex, 400, Envelopes.error(400, "balance: " + e.getMessage()));
        }
    }
}
