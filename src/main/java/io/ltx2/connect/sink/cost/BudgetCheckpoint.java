package io.ltx2.connect.sink.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One sink task index's spend, as it writes it to the budget topic (key {@link #key}): the seconds of
 * video its SUBMITTED and REJECTED records carry, by minute, for every record stamped before
 * {@code time}; its records from {@code time} on are on the tracking topic, where the next start reads
 * them. {@code inherited} carries the spend of other task indexes that a full read found without a
 * checkpoint of their own (their records from before an upgrade), so that it keeps counting against
 * the connector's cap after the full read is no longer done. The value is JSON; an unreadable one is
 * ignored (a full read then rebuilds the spend).
 *
 * @param instance when the task instance that wrote it started: a later instance of the same index wins
 */
public record BudgetCheckpoint(String connector, int task, long instance, long time, SpendBuckets own, List<Inherited> inherited) {
    static final int VERSION = 1;

    /** Another index's spend before {@code time}, found by a full read of the tracking topic. */
    public record Inherited(int task, long time, SpendBuckets usage) {
    }

    public BudgetCheckpoint {
        inherited = List.copyOf(inherited);
    }

    public static String key(String connector, int task) {
        return connector + ":" + task;
    }

    public String key() {
        return key(connector, task);
    }

    /** Whether this value was written by a later instance than {@code other}, or later by the same one. */
    boolean supersedes(BudgetCheckpoint other) {
        return instance != other.instance ? instance > other.instance : time >= other.time;
    }

    public byte[] encode() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", VERSION);
        n.put("connector", connector);
        n.put("task", task);
        n.put("instance", instance);
        n.put("time", time);
        n.put("bucketMs", SpendBuckets.BUCKET_MS);
        n.put("seconds", own.encode());
        ArrayNode others = n.putArray("inherited");
        for (Inherited i : inherited) {
            others.addObject().put("task", i.task()).put("time", i.time()).put("seconds", i.usage().encode());
        }
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode spend checkpoint", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a checkpoint of a version this code reads
     */
    public static BudgetCheckpoint decode(byte[] value) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            if (n == null || n.path("v").asInt() != VERSION || n.path("bucketMs").asLong() != SpendBuckets.BUCKET_MS
                    || !n.path("connector").isTextual() || !n.path("task").canConvertToInt() || !n.path("time").canConvertToLong()) {
                throw new IllegalArgumentException("not a spend checkpoint of version " + VERSION);
            }
            List<Inherited> inherited = new ArrayList<>();
            for (JsonNode i : n.path("inherited")) {
                inherited.add(new Inherited(i.path("task").asInt(), i.path("time").asLong(), SpendBuckets.decode(i.path("seconds").asText())));
            }
            return new BudgetCheckpoint(n.path("connector").asText(), n.path("task").asInt(), n.path("instance").asLong(),
                    n.path("time").asLong(), SpendBuckets.decode(n.path("seconds").asText()), inherited);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable spend checkpoint: " + e.getMessage(), e);
        }
    }
}
