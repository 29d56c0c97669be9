package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PollScheduleTest {
    private static final long SUBMIT = 1_000_000L;

    private static GenerationInput input(String resolution, int duration, boolean lora) {
        return new GenerationInput(lora ? "text-to-video-LoRA" : "text-to-video", "p", resolution, duration, "16:9", null, 42L,
                lora ? List.of(new Lora("https://a.test/l?download=true", 1.0)) : null);
    }

    private static PollSchedule.Adaptive adaptive(double scale) {
        return new PollSchedule.Adaptive(new GenerationTimeModel(scale), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    @Test
    void fixedWaitsTheInitialDelayThenPollsAtTheInterval() {
        PollSchedule fixed = new PollSchedule.Fixed(Duration.ofSeconds(60), Duration.ofSeconds(5));
        assertThat(fixed.firstPoll(input("720p", 10, false), SUBMIT)).isEqualTo(SUBMIT + 60_000);
        assertThat(fixed.nextPoll(input("720p", 10, false), SUBMIT, SUBMIT + 61_000)).isEqualTo(SUBMIT + 66_000);
    }

    @Test
    void adaptiveFirstPollIsTheMedianOfTheContractRangePerResolutionAndLora() {
        PollSchedule s = adaptive(1.0);
        assertThat(s.firstPoll(input("480p", 10, false), SUBMIT) - SUBMIT).isEqualTo(50_000);
        assertThat(s.firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(75_000);
        assertThat(s.firstPoll(input("1080p", 10, false), SUBMIT) - SUBMIT).isEqualTo(105_000);
        assertThat(s.firstPoll(input("720p", 10, true), SUBMIT) - SUBMIT).isEqualTo(90_000); // 70-110 s
        assertThat(s.firstPoll(input("720p", 20, false), SUBMIT)).isGreaterThan(s.firstPoll(input("720p", 5, false), SUBMIT));
    }

    @Test
    void timeScaleMultipliesTheExpectedTimes() {
        assertThat(adaptive(0.01).firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(2_000); // 750 ms, floored at min interval
        PollSchedule.Adaptive fine = new PollSchedule.Adaptive(new GenerationTimeModel(0.01), Duration.ofMillis(10), Duration.ofSeconds(1));
        assertThat(fine.firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(750);
    }

    @Test
    void adaptiveIntervalsShrinkTowardsTheEndOfTheRangeThenGrowWhenLate() {
        PollSchedule s = adaptive(1.0);
        GenerationInput in = input("720p", 10, false);
        List<Long> delays = new ArrayList<>();
        long now = s.firstPoll(in, SUBMIT);
        for (int i = 0; i < 12; i++) {
            long next = s.nextPoll(in, SUBMIT, now);
            delays.add(next - now);
            now = next;
        }
        // 75 s -> 82.5 -> 86.25 -> ... halving what is left of 60-90 s, then 2 s floors, then growing when late.
        assertThat(delays.get(0)).isEqualTo(7_500);
        assertThat(delays.get(1)).isEqualTo(3_750);
        assertThat(delays.get(2)).isEqualTo(2_000);
        assertThat(delays).allMatch(d -> d >= 2_000 && d <= 30_000);
        assertThat(delays.get(11)).isGreaterThan(delays.get(4));
    }

    @Test
    void adaptiveLearnsFromObservedGenerationTimes() {
        PollSchedule s = adaptive(1.0);
        GenerationInput in = input("720p", 8, false);
        for (long t : new long[]{40_000, 41_000, 42_000, 43_000, 44_000}) {
            s.observe(in, t);
        }
        // The learnt median, not the contract's 75 s.
        assertThat(s.firstPoll(in, SUBMIT) - SUBMIT).isEqualTo(42_000);
        // After the median, the median of those still running (43 s), floored to the 2 s minimum interval.
        assertThat(s.nextPoll(in, SUBMIT, SUBMIT + 42_000) - SUBMIT).isEqualTo(44_000);
        // Other classes keep the prior until they have samples of their own.
        assertThat(s.firstPoll(input("1080p", 8, false), SUBMIT) - SUBMIT).isNotEqualTo(42_000);
        // Fewer than MIN_SAMPLES: still the prior.
        PollSchedule few = adaptive(1.0);
        few.observe(in, 10_000);
        assertThat(few.firstPoll(in, SUBMIT)).isEqualTo(adaptive(1.0).firstPoll(in, SUBMIT));
    }

    @Test
    void learntWindowForgetsOldObservations() {
        GenerationTimeModel model = new GenerationTimeModel(1.0);
        GenerationInput in = input("480p", 5, false);
        for (int i = 0; i < GenerationTimeModel.WINDOW; i++) {
            model.observe(in, 100_000);
        }
        for (int i = 0; i < GenerationTimeModel.WINDOW; i++) {
            model.observe(in, 20_000);
        }
        assertThat(model.distribution(in).hi()).isEqualTo(20_000);
    }
}
