package io.ltx2.connect.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class InputValidatorTest {

    private static final String IMG = "https://example.com/c.png";
    private static final Lora LORA = new Lora("https://a.test/a?download=true", 1.0);

    private static GenerationInput text(String prompt, String res, Integer duration, String ratio, Long seed) {
        return new GenerationInput("text-to-video", prompt, res, duration, ratio, null, seed, null);
    }

    @Test
    void contractExamplesAreValid() {
        assertThat(InputValidator.problems(text("A red fox running through snow at dawn", "720p", 8, "16:9", 42L))).isEmpty();
        assertThat(InputValidator.problems(new GenerationInput("image-to-video-LoRA", "The character waves", "480p", 5, null,
                List.of(IMG), null, List.of(LORA)))).isEmpty();
        assertThat(InputValidator.problems(new GenerationInput("text-to-video-LoRA", "Neon city", "1080p", 12, null, null, null,
                List.of(LORA, new Lora("https://a.test/b?download=true", 1.5))))).isEmpty();
        assertThat(InputValidator.problems(new GenerationInput("image-to-video", "p", "720p", 20, null, List.of(IMG), -1L, null))).isEmpty();
        assertThat(InputValidator.problems(text("x".repeat(5000), "720p", 5, null, 2_147_483_647L))).isEmpty();
    }

    @Test
    void promptLengthCountsCodePointsNotUtf16Units() {
        String emoji = "\uD83C\uDFAC"; // U+1F3AC, one code point, two UTF-16 units
        String cjk = new String(Character.toChars(0x20000)); // CJK Extension B, outside the BMP
        assertThat(InputValidator.problems(text(emoji.repeat(5000), "720p", 5, null, null))).isEmpty();
        assertThat(InputValidator.problems(text(cjk.repeat(5000), "720p", 5, null, null))).isEmpty();
        assertThat(InputValidator.problems(text(emoji.repeat(5001), "720p", 5, null, null)))
                .singleElement().asString().startsWith("prompt:").contains("was 5001");
    }

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of(new GenerationInput("video-to-video", "p", "720p", 10, null, null, null, null), "mode"),
                Arguments.of(text(null, "720p", 10, null, null), "prompt"),
                Arguments.of(text("", "720p", 10, null, null), "prompt"),
                Arguments.of(text(" \t\n ", "720p", 10, null, null), "prompt"),
                Arguments.of(text("\u00A0\u3000\u2003", "720p", 10, null, null), "prompt"),
                Arguments.of(text("x".repeat(5001), "720p", 10, null, null), "prompt"),
                Arguments.of(text("p", "4k", 10, null, null), "resolution"),
                Arguments.of(text("p", "720p", 4, null, null), "duration"),
                Arguments.of(text("p", "720p", 21, null, null), "duration"),
                Arguments.of(text("p", "720p", null, null, null), "duration"),
                Arguments.of(text("p", "720p", 10, "4:3", null), "aspect_ratio"),
                Arguments.of(text("p", "720p", 10, null, 0L), "seed"),
                Arguments.of(text("p", "720p", 10, null, 2_147_483_648L), "seed"),
                Arguments.of(new GenerationInput("image-to-video", "p", "720p", 10, null, null, null, null), "image_urls"),
                Arguments.of(new GenerationInput("image-to-video", "p", "720p", 10, null, List.of(IMG, IMG), null, null), "image_urls"),
                Arguments.of(new GenerationInput("image-to-video", "p", "720p", 10, null, List.of("ftp://x/y.png"), null, null), "image_urls[0]"),
                Arguments.of(new GenerationInput("image-to-video", "p", "720p", 10, "16:9", List.of(IMG), null, null), "aspect_ratio"),
                Arguments.of(new GenerationInput("text-to-video", "p", "720p", 10, null, List.of(IMG), null, null), "image_urls"),
                Arguments.of(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null, null), "loras"),
                Arguments.of(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null, List.of(LORA, LORA, LORA, LORA)), "loras"),
                Arguments.of(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null, List.of(new Lora(null, 1.0))), "loras[0].path"),
                Arguments.of(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null,
                        List.of(new Lora("https://a.test/a?download=true", null))), "loras[0].scale"),
                Arguments.of(new GenerationInput("image-to-video-LoRA", "p", "720p", 10, null, List.of(IMG), null,
                        List.of(LORA, new Lora("https://a.test/b?download=true", null))), "loras[1].scale"),
                Arguments.of(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null,
                        List.of(new Lora("https://a.test/a?download=true", Double.NaN))), "loras[0].scale"),
                Arguments.of(new GenerationInput("text-to-video", "p", "720p", 10, null, null, null, List.of(LORA)), "loras"));
    }

    @Test
    void anyFiniteLoraScaleIsAcceptedTheRecommendedRangeIsAdviceOnly() {
        for (double scale : new double[] {0.0, 0.1, 0.5, 2.0, 3.5, -1.0}) {
            assertThat(InputValidator.problems(new GenerationInput("text-to-video-LoRA", "p", "720p", 10, null, null, null,
                    List.of(new Lora("https://a.test/a?download=true", scale))))).as("scale %s", scale).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("invalidInputs")
    void eachViolationNamesItsField(GenerationInput input, String field) {
        assertThat(InputValidator.problems(input)).anySatisfy(p -> assertThat(p).startsWith(field + ":"));
    }
}
