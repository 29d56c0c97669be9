package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;

/** The range checks of {@link Faults} and its JSON merge ({@link Faults#withChanges}), kept apart so the record reads as its fields. */
final class FaultChecks {
    private FaultChecks() {
    }

    static void rate(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + rate);
        }
    }

    static void notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }

    /** A 5xx status (what an outage answers), {@code dflt} for 0 (a field absent from JSON). */
    static int serverStatus(String name, int status, int dflt) {
        return status(name, status, dflt, 500, "a 5xx status");
    }

    /** A 3xx, 4xx or 5xx status (what a server or a gateway in front of it may answer), {@code dflt} for 0. */
    static int errorStatus(String name, int status, int dflt) {
        return status(name, status, dflt, 300, "a 3xx, 4xx or 5xx status (what a server or a gateway in front of it answers)");
    }

    private static int status(String name, int status, int dflt, int lowest, String what) {
        int s = status == 0 ? dflt : status;
        if (s < lowest || s > 599) {
            throw new IllegalArgumentException(name + " must be " + what + ", was " + s);
        }
        return s;
    }

    /** {@code base} with the fields of the JSON object {@code json} changed. */
    static Faults merged(Faults base, String json) {
        try {
            JsonNode change = Json.MAPPER.readTree(json);
            if (change == null || !change.isObject()) {
                throw new IllegalArgumentException("must be a JSON object");
            }
            ObjectNode merged = Json.MAPPER.valueToTree(base);
            merged.setAll((ObjectNode) change);
            return Json.MAPPER.treeToValue(merged, Faults.class);
        } catch (IOException e) {
            Throwable root = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException(root.getMessage(), e);
        }
    }
}
