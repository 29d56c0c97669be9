package io.ltx2.connect.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a complete input against the contract before any money is spent. Every problem names
 * the field, so a rejected event or a DLQ header tells the producer what to fix. The simulator
 * uses the same rules, so the two cannot drift apart.
 */
public final class InputValidator {

    private InputValidator() {
    }

    /** All problems found, empty when the input is valid. */
    public static List<String> problems(GenerationInput in) {
        List<String> errors = new ArrayList<>();
        Optional<Mode> mode = Mode.fromWire(in.mode());
        if (mode.isEmpty()) {
            errors.add("mode: must be one of " + Mode.wireNames() + ", was " + quote(in.mode()));
        }
        checkPrompt(in.prompt(), errors);
        if (!ContractLimits.RESOLUTIONS.contains(in.resolution())) {
            errors.add("resolution: must be one of " + ContractLimits.RESOLUTIONS + ", was " + quote(in.resolution()));
        }
        if (in.duration() == null || in.duration() < ContractLimits.DURATION_MIN || in.duration() > ContractLimits.DURATION_MAX) {
            errors.add("duration: must be " + ContractLimits.DURATION_MIN + " to " + ContractLimits.DURATION_MAX + " seconds, was " + in.duration());
        }
        if (in.seed() != null && in.seed() != ContractLimits.SEED_RANDOM && (in.seed() < 1 || in.seed() > ContractLimits.SEED_MAX)) {
            errors.add("seed: must be -1 (random) or 1 to " + ContractLimits.SEED_MAX + ", was " + in.seed());
        }
        mode.ifPresent(m -> checkModeFields(m, in, errors));
        return errors;
    }

    /**
     * Required and not blank (whitespace alone, no-break spaces included, describes nothing); at most the contract's
     * characters, which are Unicode code points: an emoji or a CJK character outside the BMP counts once.
     */
    private static void checkPrompt(String prompt, List<String> errors) {
        if (prompt == null || prompt.isEmpty()) {
            errors.add("prompt: is required and must not be empty");
            return;
        }
        if (prompt.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            errors.add("prompt: must not be blank (it holds only whitespace)");
            return;
        }
        int chars = prompt.codePointCount(0, prompt.length());
        if (chars > ContractLimits.PROMPT_MAX_CHARS) {
            errors.add("prompt: must be at most " + ContractLimits.PROMPT_MAX_CHARS + " characters (code points), was " + chars);
        }
    }

    private static void checkModeFields(Mode m, GenerationInput in, List<String> errors) {
        if (m.usesImage()) {
            checkImageMode(m, in, errors);
        } else {
            checkTextMode(m, in, errors);
        }
        List<Lora> loras = in.loras();
        if (m.usesLoras()) {
            checkLoras(m, loras, errors);
        } else if (loras != null && !loras.isEmpty()) {
            errors.add("loras: " + m.wire() + " takes no LoRA");
        }
    }

    private static void checkImageMode(Mode m, GenerationInput in, List<String> errors) {
        List<String> images = in.imageUrls();
        if (images == null || images.size() != 1) {
            errors.add("image_urls: " + m.wire() + " needs exactly one image URL, got " + (images == null ? 0 : images.size()));
        } else if (!isHttpUrl(images.get(0))) {
            errors.add("image_urls[0]: not an http(s) URL: " + quote(images.get(0)));
        }
        if (in.aspectRatio() != null) {
            errors.add("aspect_ratio: applies to text modes only, not to " + m.wire());
        }
    }

    private static void checkTextMode(Mode m, GenerationInput in, List<String> errors) {
        List<String> images = in.imageUrls();
        if (images != null && !images.isEmpty()) {
            errors.add("image_urls: " + m.wire() + " takes no image");
        }
        if (in.aspectRatio() != null && !ContractLimits.ASPECT_RATIOS.contains(in.aspectRatio())) {
            errors.add("aspect_ratio: must be one of " + ContractLimits.ASPECT_RATIOS + ", was " + quote(in.aspectRatio()));
        }
    }

    private static void checkLoras(Mode m, List<Lora> loras, List<String> errors) {
        if (loras == null || loras.isEmpty() || loras.size() > ContractLimits.LORAS_MAX) {
            errors.add("loras: " + m.wire() + " needs 1 to " + ContractLimits.LORAS_MAX + " LoRAs, got " + (loras == null ? 0 : loras.size()));
            return;
        }
        for (int i = 0; i < loras.size(); i++) {
            Lora lora = loras.get(i);
            if (lora == null || !isHttpUrl(lora.path())) {
                errors.add("loras[" + i + "].path: must be an http(s) URL, was " + (lora == null ? "null" : quote(lora.path())));
            }
            if (lora != null && lora.scale() == null) {
                errors.add("loras[" + i + "].scale: is required (each LoRA is {path, scale}; about 0.5 to 2.0 is recommended)");
            } else if (lora != null && (lora.scale().isNaN() || lora.scale().isInfinite())) {
                errors.add("loras[" + i + "].scale: must be a finite number");
            }
        }
    }

    static boolean isHttpUrl(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
