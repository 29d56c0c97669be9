package io.ltx2.connect.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.util.Redaction;

import java.io.IOException;

/**
 * Turns an authenticated webhook into its CALLBACK record: the task id, the request its URL names
 * ({@code rid}), the state, and the body as received with the receiver's own secrets hidden (a body
 * that echoes the callback URL would otherwise put its token on the tracking topic).
 */
public final class CallbackRecordReader {

    /** A body that cannot be stored: the HTTP status and message to answer. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private CallbackRecordReader() {
    }

    /**
     * @param rid     the callback URL's {@value RequestIdentity#CALLBACK_PARAM} parameter, decoded; null when absent
     * @param topicId its {@value RequestIdentity#CALLBACK_TOPIC_ID_PARAM} parameter (the input topic's id), decoded; null when absent
     * @throws Refused when the body is not a JSON object with a task id, or {@code rid} names no request
     */
    public static TrackingRecord read(byte[] body, String rid, String topicId, long receivedTime, Redaction secrets) throws Refused {
        JsonNode data = dataOf(body);
        if (data == null) {
            throw new Refused(400, "body is not a JSON object");
        }
        JsonNode taskId = data.get("taskId");
        if (taskId == null || !taskId.isValueNode() || taskId.asText().isBlank() || taskId.asText().length() > 256) {
            throw new Refused(400, "no taskId");
        }
        RequestIdentity identity;
        try {
            identity = rid == null ? null : RequestIdentity.parse(rid).withTopicId(topicId);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "bad rid");
        }
        JsonNode state = data.get("state");
        return TrackingRecord.callback(identity, taskId.asText(), receivedTime, state == null || state.isNull() ? null : state.asText(),
                secrets.apply(data.toString()));
    }

    /**
     * The tracking partition a callback URL's {@value RequestIdentity#CALLBACK_PARTITION_PARAM} parameter names; null when absent or
     * not a partition number (the record then goes by its key's hash).
     */
    public static Integer partitionOf(String rtp) {
        if (rtp == null) {
            return null;
        }
        try {
            int p = Integer.parseInt(rtp);
            return p >= 0 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The envelope's {@code data} object (or the body itself when it has none); null when the body is not a JSON object. */
    private static JsonNode dataOf(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        return root.has("data") && root.get("data").isObject() ? root.get("data") : root;
    }
}
