package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GenerationTimeModelTest {

    private static GenerationInput input(String resolution, int duration, boolean lora) {
        return new GenerationInput(lora ? "image-to-video-LoRA" : "image-to-video", "p", resolution, duration, null,
                List.of("https://a.test/i.png"), null, lora ? List.of(new Lora("https://a.test/l?download=true", 1.0)) : null);
    }

    @Test
    void aClassIsPredictedFromItsFamilyAlongTheDurationLine() {
        GenerationTimeModel model = new GenerationTimeModel(1.0);
        // 720p LoRA: 70 s + 1 s per second of video, spread -2..+2 s, seen at 5 and 15 s only.
        for (int i = 0; i < 40; i++) {
            int d = i % 2 == 0 ? 5 : 15;
            model.observe(input("720p", d, true), 70_000 + 1_000L * d + (i % 5 - 2) * 1_000L);
        }
        GenerationTimeModel.Distribution at10 = model.distribution(input("720p", 10, true));
        assertThat(at10.learnt()).isTrue();
        assertThat(at10.lo()).isEqualTo(78_000);
        assertThat(at10.hi()).isEqualTo(82_000);
        assertThat(at10.quantile(0.5)).isEqualTo(80_000);
        // Beyond the durations seen (5-15 s): the prior, not an extrapolation.
        assertThat(model.distribution(input("720p", 20, true)).learnt()).isFalse();
        // Another family (no LoRA) is not affected.
        assertThat(model.distribution(input("720p", 10, false)).learnt()).isFalse();
    }

    @Test
    void aFullWindowOfItsOwnReplacesTheFamilyLine() {
        GenerationTimeModel model = new GenerationTimeModel(1.0);
        GenerationInput tenSeconds = input("1080p", 10, false);
        for (int i = 0; i < 100; i++) {
            model.observe(input("1080p", 5 + i % 16, false), 100_000 + 1_000L * (5 + i % 16));
        }
        assertThat(model.distribution(tenSeconds).lo()).isEqualTo(110_000);
        // The 10 s class is in fact slower than the line says: once its window is full, its own times count.
        for (int i = 0; i < GenerationTimeModel.WINDOW; i++) {
            model.observe(tenSeconds, 130_000 + i);
        }
        assertThat(model.distribution(tenSeconds).lo()).isEqualTo(130_000);
        assertThat(model.distribution(tenSeconds).hi()).isEqualTo(130_000 + GenerationTimeModel.WINDOW - 1);
    }

    @Test
    void theDurationLineIsTheLeastSquaresFitWithANonNegativeSlope() {
        DurationLine line = new DurationLine(8);
        line.add(5, 50_000);
        line.add(10, 60_000);
        line.add(15, 70_000);
        assertThat(line.slope()).isCloseTo(2_000, within(1e-9));
        assertThat(line.at(20)).isEqualTo(80_000);
        assertThat(line.residuals()).containsExactly(0, 0, 0);
        assertThat(line.covers(12)).isTrue();
        assertThat(line.covers(4)).isFalse();
        assertThat(line.covers(16)).isFalse();

        DurationLine faster = new DurationLine(8);
        faster.add(5, 60_000);
        faster.add(15, 50_000);
        assertThat(faster.slope()).as("a longer video is not expected to be faster").isZero();
        assertThat(faster.at(10)).isEqualTo(55_000);
        assertThat(faster.residuals()).containsExactly(-5_000, 5_000);

        DurationLine window = new DurationLine(2);
        window.add(5, 1);
        window.add(5, 2);
        window.add(5, 3);
        assertThat(window.count()).isEqualTo(3);
        assertThat(window.at(5)).as("only the last two").isEqualTo(3);
    }
}
