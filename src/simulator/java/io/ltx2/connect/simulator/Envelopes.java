package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.util.Json;

/**
 * The API's answer envelope {@code {code, message, data}}. An error carries its detail in
 * {@code data.error}, as the vendor's error pages show it (never {@code data: null}); the
 * {@code message} stays the short human text.
 */
final class Envelopes {
    private Envelopes() {
    }

    static ObjectNode ok(JsonNode data) {
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.put("code", 200);
        env.put("message", "success");
        env.set("data", data);
        return env;
    }

    /** An error whose message says it all: the detail repeats it. */
    static ObjectNode error(int status, String message) {
        return error(status, message, message);
    }

    /** An error: the HTTP status as {@code code}, a short message, the detail in {@code data.error}. */
    static ObjectNode error(int status, String message, String detail) {
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.put("code", status);
        env.put("message", message);
        env.putObject("data").put("error", detail);
        return env;
    }

    /**
     * An error with the provider's identifier of what failed ({@code SensitiveContentDetected}, say) in
     * {@code data.errorCode}: the vendor says immediate errors may carry one but names no field, so
     * this name is the simulator's choice.
     */
    static ObjectNode error(int status, String message, String detail, String errorCode) {
        ObjectNode env = error(status, message, detail);
        ((ObjectNode) env.get("data")).put("errorCode", errorCode);
        return env;
    }
}
