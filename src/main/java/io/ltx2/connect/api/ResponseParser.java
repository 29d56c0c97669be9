package io.ltx2.connect.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the API's envelope {@code {code, message, data}} and the status {@code data}. Used for
 * status answers and for webhook bodies, which carry the same envelope.
 */
public final class ResponseParser {
    private static final int MAX_MESSAGE_CHARS = 500;

    private ResponseParser() {
    }

    /** Parses a body as JSON, or throws a MALFORMED_RESPONSE naming what was wrong. */
    public static JsonNode parseBody(byte[] body, int httpStatus, String what) {
        if (body == null || body.length == 0) {
            throw malformed(httpStatus, what + ": empty body");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw malformed(httpStatus, what + ": body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw malformed(httpStatus, what + ": body is not JSON");
        }
    }

    /** The envelope's {@code data} object, or a MALFORMED_RESPONSE when it is missing. */
    public static JsonNode data(JsonNode envelope, int httpStatus, String what) {
        JsonNode data = envelope.get("data");
        if (data == null || !data.isObject()) {
            throw malformed(httpStatus, what + ": answer has no data object");
        }
        return data;
    }

    /** The envelope's human message, shortened, or null. */
    public static String message(JsonNode envelope) {
        JsonNode m = envelope == null ? null : envelope.get("message");
        if (m == null || m.isNull()) {
            return null;
        }
        return shorten(m.asText());
    }

    /** Fields where an error answer may carry the API's (or its provider's) own code, in the order they are looked at. */
    private static final List<String> CODE_FIELDS = List.of("errorCode", "error_code", "providerCode", "provider_code", "failCode", "code",
            "type");
    /** What a vendor error code looks like: an identifier, not a number or a sentence. */
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{1,63}");

    /**
     * The API's own code and detail of an error answer: the detail in {@code data.error} (a string,
     * or an object's {@code message}), else {@code data.message} or {@code data.detail}; the code from
     * {@code data} ({@link #CODE_FIELDS}), {@code data.error} when it is an object, or the envelope
     * ({@code errorCode}). A numeric {@code code} is the HTTP status, not a vendor code.
     */
    public static LtxApiException.ApiRefusal refusal(JsonNode envelope) {
        if (envelope == null) {
            return LtxApiException.ApiRefusal.NONE;
        }
        JsonNode data = envelope.get("data");
        JsonNode error = data == null || !data.isObject() ? null : data.get("error");
        String code = codeOf(data);
        if (code == null && error != null && error.isObject()) {
            code = codeOf(error);
        }
        if (code == null) {
            code = codeIn(envelope, "errorCode");
        }
        return new LtxApiException.ApiRefusal(code, shorten(detailOf(data, error)));
    }

    private static String detailOf(JsonNode data, JsonNode error) {
        if (error != null && error.isTextual()) {
            return error.asText();
        }
        if (error != null && error.isObject() && textOf(error, "message") != null) {
            return textOf(error, "message");
        }
        if (data == null || !data.isObject()) {
            return null;
        }
        return textOf(data, "message") != null ? textOf(data, "message") : textOf(data, "detail");
    }

    private static String codeOf(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String field : CODE_FIELDS) {
            String code = codeIn(node, field);
            if (code != null) {
                return code;
            }
        }
        return null;
    }

    private static String codeIn(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && CODE.matcher(v.asText()).matches() ? v.asText() : null;
    }

    private static String textOf(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String shorten(String s) {
        return s == null || s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** The task id of a create answer's {@code data}. */
    public static String taskId(JsonNode data, int httpStatus) {
        JsonNode id = data.get("taskId");
        if (id == null || !id.isValueNode() || id.asText().isBlank()) {
            throw malformed(httpStatus, "create task: answer has no taskId");
        }
        return id.asText();
    }

    /**
     * A status {@code data} object as a {@link TaskStatus}. {@code resultJson} is a JSON string
     * holding {@code {"resultUrls": [...]}} (parsed twice); an object is accepted too.
     */
    public static TaskStatus status(JsonNode data, int httpStatus) {
        String taskId = text(data, "taskId");
        String rawState = text(data, "state");
        TaskState state = TaskState.fromWire(rawState);
        List<String> urls = new ArrayList<>();
        JsonNode resultJson = data.get("resultJson");
        if (resultJson != null && !resultJson.isNull()) {
            JsonNode result = resultJson;
            if (resultJson.isTextual()) {
                if (resultJson.asText().isBlank()) {
                    result = null;
                } else {
                    try {
                        result = Json.MAPPER.readTree(resultJson.asText());
                    } catch (IOException e) {
                        throw malformed(httpStatus, "status of task " + taskId + ": resultJson is not JSON");
                    }
                }
            }
            JsonNode list = result == null ? null : result.get("resultUrls");
            if (list != null && list.isArray()) {
                list.forEach(u -> urls.add(u.asText()));
            }
        }
        if (state == TaskState.SUCCESS && urls.isEmpty()) {
            throw malformed(httpStatus, "status of task " + taskId + ": state success without result URLs");
        }
        return new TaskStatus(taskId, state, rawState, urls, text(data, "failCode"), text(data, "failMsg"),
                number(data, "createTime"), number(data, "completeTime"), number(data, "costTime"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static LtxApiException malformed(int httpStatus, String message) {
        return new LtxApiException(ApiErrorKind.MALFORMED_RESPONSE, httpStatus, message);
    }
}
