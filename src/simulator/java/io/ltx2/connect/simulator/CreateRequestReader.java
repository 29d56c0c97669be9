package io.ltx2.connect.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.InputValidator;
import io.ltx2.connect.api.Mode;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and validates a create body the way the API does: the API's own defaults (async, auto,
 * text-to-video, 720p, 10 s, 16:9 for text modes) are applied, never a connector's, and the input
 * rules are {@link InputValidator}'s, so the simulator and the connector cannot drift apart.
 */
final class CreateRequestReader {

    /** A valid create request, with defaults applied. {@code canonical} identifies identical payloads. */
    record CreateRequest(String requestType, String callbackUrl, String provider, GenerationInput input, String canonical) {
        boolean wantsCallback() {
            return "callback".equals(requestType);
        }
    }

    /** A 400: every problem names its field. */
    static final class InvalidRequest extends Exception {
        InvalidRequest(List<String> problems) {
            super(String.join("; ", problems), null, false, false);
        }
    }

    private CreateRequestReader() {
    }

    static CreateRequest read(byte[] body) throws InvalidRequest {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidRequest(List.of("body: is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequest(List.of("body: must be a JSON object"));
        }
        List<String> problems = new ArrayList<>();
        String requestType = choice(root, "request_type", "async", ContractLimits.REQUEST_TYPES, problems);
        String provider = choice(root, "provider", "auto", ContractLimits.PROVIDERS, problems);
        String callbackUrl = "callback".equals(requestType) ? callbackUrl(root.get("callback_url"), problems) : null;
        GenerationInput input = input(root.get("input"), problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequest(problems);
        }
        return new CreateRequest(requestType, callbackUrl, provider, input, canonical(requestType, provider, input));
    }

    /** The callback URL a callback request must have, or null after adding the problem. */
    private static String callbackUrl(JsonNode cb, List<String> problems) {
        if (cb == null || cb.isNull() || !cb.isTextual() || cb.asText().isBlank()) {
            problems.add("callback_url: is required when request_type is callback");
            return null;
        }
        if (!isHttpUrl(cb.asText())) {
            problems.add("callback_url: must be an http(s) URL");
            return null;
        }
        return cb.asText();
    }

    /** The input with the API's defaults applied, its problems added; null when it cannot be read. */
    private static GenerationInput input(JsonNode inputNode, List<String> problems) {
        if (inputNode == null || !inputNode.isObject()) {
            problems.add("input: is required and must be a JSON object");
            return null;
        }
        try {
            GenerationInput input = withApiDefaults(Json.MAPPER.treeToValue(inputNode, GenerationInput.class));
            problems.addAll(InputValidator.problems(input).stream().map(p -> "input." + p).toList());
            if (input.prompt() != null && input.prompt().contains(ApiSimulator.BAD_REQUEST_MARKER)) {
                problems.add("input.prompt: refused by the API's own checks");
            }
            return input;
        } catch (JsonMappingException e) {
            problems.add("input." + fieldPath(e) + ": has the wrong type");
        } catch (JsonProcessingException e) {
            problems.add("input: cannot be read");
        }
        return null;
    }

    /** The API's documented defaults: text-to-video, 720p, 10 s, and 16:9 for text modes. */
    static GenerationInput withApiDefaults(GenerationInput in) {
        String mode = in.mode() == null ? Mode.TEXT_TO_VIDEO.wire() : in.mode();
        boolean textMode = Mode.fromWire(mode).map(m -> !m.usesImage()).orElse(false);
        String aspect = in.aspectRatio() == null && textMode ? "16:9" : in.aspectRatio();
        return new GenerationInput(mode, in.prompt(), in.resolution() == null ? "720p" : in.resolution(),
                in.duration() == null ? 10 : in.duration(), aspect, in.imageUrls(), in.seed(), in.loras());
    }

    private static String choice(JsonNode root, String field, String dflt, List<String> allowed, List<String> problems) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            problems.add(field + ": must be one of " + allowed + ", was " + v);
            return dflt;
        }
        return v.asText();
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** request_type, provider and input as JSON with sorted keys: equal strings mean identical payloads. */
    private static String canonical(String requestType, String provider, GenerationInput input) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("request_type", requestType);
        node.put("provider", provider);
        node.set("input", Json.MAPPER.valueToTree(input));
        try {
            Object asMaps = Json.MAPPER.convertValue(node, Map.class);
            return Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(asMaps);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a parsed request", e);
        }
    }
}
