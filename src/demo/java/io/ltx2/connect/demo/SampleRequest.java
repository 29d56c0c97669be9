package io.ltx2.connect.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.util.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One generation request the demo writes to the request topic (key and {@code request_id} = the
 * request id), with the terminal state the simulator is expected to give it.
 *
 * @param requestId     the request id, also the record key and the event key
 * @param label         a short description for the output
 * @param expectedState success, failed or rejected (against the simulator)
 * @param value         the record value: the API's input fields plus request_id
 */
public record SampleRequest(String requestId, String label, String expectedState, Map<String, Object> value) {

    public static final String IMAGE_URL = "https://example.com/ltx-demo/character.png";
    public static final String LORA_URL = "https://huggingface.co/ltx-demo/style-lora/resolve/main/style.safetensors?download=true";

    public String json() {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The demo's set: each of the four modes succeeds, one prompt trips the content check
     * ({@code #violation}: the simulator fails it with CONTENT_VIOLATION), and two requests break the
     * contract so the sink rejects them before any API call.
     */
    public static List<SampleRequest> demoSet(String idPrefix) {
        return List.of(
                request(idPrefix + "-01", "text-to-video 480p 5 s", "success", Map.of(
                        "mode", "text-to-video", "prompt", "A red fox running through snow at dawn",
                        "resolution", "480p", "duration", 5, "aspect_ratio", "16:9", "seed", 42)),
                request(idPrefix + "-02", "text-to-video 720p 6 s 9:16", "success", Map.of(
                        "mode", "text-to-video", "prompt", "Timelapse of clouds rolling over a mountain lake",
                        "resolution", "720p", "duration", 6, "aspect_ratio", "9:16")),
                request(idPrefix + "-03", "image-to-video 480p 5 s", "success", Map.of(
                        "mode", "image-to-video", "prompt", "The character waves at the camera",
                        "image_urls", List.of(IMAGE_URL), "resolution", "480p", "duration", 5)),
                request(idPrefix + "-04", "text-to-video-LoRA 480p 5 s", "success", Map.of(
                        "mode", "text-to-video-LoRA", "prompt", "Neon city street in the rain",
                        "loras", List.of(Map.of("path", LORA_URL, "scale", 0.8)), "resolution", "480p", "duration", 5)),
                request(idPrefix + "-05", "image-to-video-LoRA 480p 5 s", "success", Map.of(
                        "mode", "image-to-video-LoRA", "prompt", "The character turns and smiles",
                        "image_urls", List.of(IMAGE_URL), "loras", List.of(Map.of("path", LORA_URL, "scale", 1.0)),
                        "resolution", "480p", "duration", 5)),
                request(idPrefix + "-06", "content violation", "failed", Map.of(
                        "mode", "text-to-video", "prompt", "A scene the moderation refuses #violation",
                        "resolution", "480p", "duration", 5)),
                request(idPrefix + "-07", "invalid: duration 30 s", "rejected", Map.of(
                        "mode", "text-to-video", "prompt", "Too long a video", "resolution", "480p", "duration", 30)),
                request(idPrefix + "-08", "invalid: image mode without image", "rejected", Map.of(
                        "mode", "image-to-video", "prompt", "Animate the picture I forgot to attach",
                        "resolution", "480p", "duration", 5)));
    }

    private static SampleRequest request(String requestId, String label, String expectedState, Map<String, Object> input) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("request_id", requestId);
        value.putAll(input);
        return new SampleRequest(requestId, label, expectedState, value);
    }
}
