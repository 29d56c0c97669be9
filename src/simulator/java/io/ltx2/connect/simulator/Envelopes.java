package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.util.Json;

/** The API's answer envelope {@code {code, message, data}}. */
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

    /** An error: the HTTP status as {@code code}, a human message, {@code data} null. */
    static ObjectNode error(int status, String message) {
        ObjectNode env = Json.MAPPER.createObjectNode();
        env.put("code", status);
        env.put("message", message);
        env.putNull("data");
        return env;
    }
}
