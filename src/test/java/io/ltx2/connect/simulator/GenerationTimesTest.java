package io.ltx2.connect.simulator;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationTimesTest {

    private static GenerationInput input(String mode, String resolution, int duration) {
        List<Lora> loras = mode.endsWith("LoRA") ? List.of(new Lora("https://a.test/l", 1.0)) : null;
        return new GenerationInput(mode, "p", resolution, duration, null, null, null, loras);
    }

    @ParameterizedTest
    @CsvSource({"480p, 40000, 60000", "720p, 60000, 90000", "1080p, 90000, 120000"})
    void processingTimeStaysInTheContractRangeOfItsResolution(String resolution, long min, long max) {
        GenerationTimes times = new GenerationTimes(1.0, null, 1);
        for (int d = 5; d <= 20; d++) {
            for (long hash = 0; hash < 20; hash++) {
                GenerationTimes.Times t = times.timesFor(input("text-to-video", resolution, d), hash, false);
                assertThat(t.processingMs()).isBetween(min, max);
                assertThat(t.pendingMs()).isBetween(1_000L, 3_000L);
            }
        }
    }

    @Test
    void longerVideosTakeLongerAndLoraModesAddTenToTwentySeconds() {
        GenerationTimes times = new GenerationTimes(1.0, null, 1);
        long hash = 99;
        long five = times.timesFor(input("text-to-video", "720p", 5), hash, false).processingMs();
        long twenty = times.timesFor(input("text-to-video", "720p", 20), hash, false).processingMs();
        long lora = times.timesFor(input("text-to-video-LoRA", "720p", 5), hash, false).processingMs();

        assertThat(twenty).isGreaterThan(five);
        assertThat(lora - five).isBetween(10_000L, 20_000L);
    }

    @Test
    void sameSeedAndPayloadGiveTheSameTimesAndTheScaleApplies() {
        GenerationInput in = input("text-to-video", "1080p", 12);
        GenerationTimes.Times a = new GenerationTimes(1.0, null, 5).timesFor(in, 1234, false);
        GenerationTimes.Times b = new GenerationTimes(1.0, null, 5).timesFor(in, 1234, false);
        GenerationTimes.Times otherSeed = new GenerationTimes(1.0, null, 6).timesFor(in, 1234, false);
        GenerationTimes.Times scaled = new GenerationTimes(0.01, null, 5).timesFor(in, 1234, false);

        assertThat(a).isEqualTo(b).isNotEqualTo(otherSeed);
        assertThat(scaled.processingMs()).isEqualTo(Math.round(a.processingMs() * 0.01));
    }

    @Test
    void failuresComeAfterAShortProcessingTimeAndAFixedTimeOverridesEverything() {
        GenerationTimes model = new GenerationTimes(1.0, null, 1);
        GenerationTimes fixed = new GenerationTimes(0.01, Duration.ofSeconds(2), 1);
        GenerationInput in = input("image-to-video-LoRA", "1080p", 20);

        assertThat(model.timesFor(in, 7, true).processingMs()).isBetween(3_000L, 8_000L);
        GenerationTimes.Times f = fixed.timesFor(in, 7, false);
        assertThat(f.pendingMs() + f.processingMs()).isEqualTo(2_000);
    }
}
