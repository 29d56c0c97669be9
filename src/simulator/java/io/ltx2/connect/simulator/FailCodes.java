package io.ltx2.connect.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task fail codes the vendor documents, each with its message (the model page's
 * {@code CONTENT_VIOLATION}, {@code INVALID_IMAGE_URL}, {@code INVALID_LORA_URL}, and the error-codes
 * page's content, image and processing codes), and the prompt marker that asks for one:
 * {@code #fail:<CODE>} fails every task of that payload, {@code #fail:<CODE>:<N>} only the first N
 * created with the same payload, so that a resubmission then succeeds, as a transient failure would.
 */
final class FailCodes {
    /** The vendor's codes and messages, in the order of its pages. */
    static final Map<String, String> DOCUMENTED = documented();

    private static final Pattern MARKER = Pattern.compile(Pattern.quote(ApiSimulator.FAIL_MARKER) + "([A-Za-z0-9_]+)(?::(\\d{1,9}))?");

    private FailCodes() {
    }

    private static Map<String, String> documented() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CONTENT_VIOLATION", "The prompt was rejected by content moderation");
        m.put("NSFW_DETECTED", "NSFW content was detected");
        m.put("PROMPT_TOO_LONG", "The prompt is longer than the character limit");
        m.put("INVALID_PROMPT", "The prompt is empty or malformed");
        m.put("INVALID_IMAGE_URL", "The image could not be downloaded or is not a JPG, PNG or WebP under 10 MB");
        m.put("IMAGE_TOO_LARGE", "The input image is larger than 10 MB");
        m.put("UNSUPPORTED_FORMAT", "The image format is not supported: use JPEG, PNG or WebP");
        m.put("IMAGE_DOWNLOAD_FAILED", "The reference image could not be downloaded");
        m.put("INVALID_LORA_URL", "A LoRA could not be downloaded");
        m.put("PROCESSING_TIMEOUT", "The generation took too long");
        m.put("MODEL_UNAVAILABLE", "The model is temporarily offline");
        m.put("GENERATION_FAILED", "The generation failed");
        m.put("INSUFFICIENT_CREDITS", "The account has no credits left");
        return Collections.unmodifiableMap(m); // keeps the pages' order, for the random choice
    }

    /** The failure of {@code code}: the vendor's message, or a generic one for a code it does not document. */
    static SimTask.Failure failure(String code) {
        return new SimTask.Failure(code, DOCUMENTED.getOrDefault(code, "The task failed: " + code));
    }

    /**
     * The failure a {@code #fail:} marker in {@code prompt} asks for, given how many tasks of the same
     * payload were created before this one; null without a marker or once its count is used up.
     */
    static SimTask.Failure fromMarker(String prompt, int earlierWithPayload) {
        if (prompt == null) {
            return null;
        }
        Matcher m = MARKER.matcher(prompt);
        if (!m.find()) {
            return null;
        }
        if (m.group(2) != null && earlierWithPayload >= Integer.parseInt(m.group(2))) {
            return null;
        }
        return failure(m.group(1));
    }

    /** The codes random failures choose from: the given ones, or every documented one when none is given. */
    static List<String> choices(List<String> codes) {
        return codes.isEmpty() ? List.copyOf(DOCUMENTED.keySet()) : codes;
    }
}
