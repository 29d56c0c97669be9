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
        return new PollSchedule.Adaptive(new GenerationTimeModel(scale), Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(4));
    }

    @Test
    void fixedWaitsTheInitialDelayThenPollsAtTheInterval() {
        PollSchedule fixed = new PollSchedule.Fixed(Duration.ofSeconds(60), Duration.ofSeconds(5));
        assertThat(fixed.firstPoll(input("720p", 10, false), SUBMIT)).isEqualTo(SUBMIT + 60_000);
        assertThat(fixed.nextPoll(input("720p", 10, false), SUBMIT, SUBMIT + 61_000)).isEqualTo(SUBMIT + 66_000);
    }

    @Test
    void hugeDelaysAndIntervalsSaturateInsteadOfOverflowing() {
        Duration forever = Duration.ofMillis(Long.MAX_VALUE);
        PollSchedule fixed = new PollSchedule.Fixed(forever, forever);
        assertThat(fixed.firstPoll(input("720p", 10, false), SUBMIT)).isEqualTo(Long.MAX_VALUE);
        assertThat(fixed.nextPoll(input("720p", 10, false), SUBMIT, SUBMIT + 61_000)).isEqualTo(Long.MAX_VALUE);
        PollSchedule adaptive = new PollSchedule.Adaptive(new GenerationTimeModel(1.0), Duration.ofSeconds(2), forever, forever);
        assertThat(adaptive.firstPoll(input("720p", 10, false), SUBMIT)).isEqualTo(Long.MAX_VALUE);
        assertThat(adaptive.nextPoll(input("720p", 10, false), SUBMIT, SUBMIT + 61_000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void adaptiveFirstPollIsTheFifthPercentileOfTheContractRangePlusTheTargetDelayPerResolutionAndLora() {
        PollSchedule s = adaptive(1.0);
        assertThat(s.firstPoll(input("480p", 10, false), SUBMIT) - SUBMIT).isEqualTo(41_000 + 4_000);   // 40-60 s
        assertThat(s.firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(61_500 + 4_000);   // 60-90 s
        assertThat(s.firstPoll(input("1080p", 10, false), SUBMIT) - SUBMIT).isEqualTo(91_500 + 4_000);  // 90-120 s
        assertThat(s.firstPoll(input("720p", 10, true), SUBMIT) - SUBMIT).isEqualTo(72_000 + 4_000);    // 70-110 s
        assertThat(s.firstPoll(input("720p", 20, false), SUBMIT)).isGreaterThan(s.firstPoll(input("720p", 5, false), SUBMIT));
    }

    @Test
    void timeScaleMultipliesTheExpectedTimes() {
        assertThat(adaptive(0.01).firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(615 + 4_000);
        PollSchedule.Adaptive fine = new PollSchedule.Adaptive(new GenerationTimeModel(0.01), Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofMillis(40));
        assertThat(fine.firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).isEqualTo(655);
        assertThat(fine.nextPoll(input("720p", 10, false), SUBMIT, SUBMIT + 655) - SUBMIT).isEqualTo(695);
        PollSchedule.Adaptive floored = new PollSchedule.Adaptive(new GenerationTimeModel(0.001), Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofMillis(40));
        assertThat(floored.firstPoll(input("720p", 10, false), SUBMIT) - SUBMIT).as("the target delay is at least the min interval")
                .isEqualTo(62 + 2_000);
    }

    @Test
    void adaptivePollsEveryTargetDelayWithinTheExpectedRangeThenBacksOffWhenLate() {
        PollSchedule s = adaptive(1.0);
        GenerationInput in = input("720p", 10, false); // expected 60-90 s
        List<Long> delays = new ArrayList<>();
        long now = s.firstPoll(in, SUBMIT);
        while (now - SUBMIT < 200_000) {
            long next = s.nextPoll(in, SUBMIT, now);
            delays.add(next - now);
            now = next;
        }
        assertThat(delays.subList(0, 7)).as("65.5 s to 89.5 s").allMatch(d -> d == 4_000);
        assertThat(delays).allMatch(d -> d >= 4_000 && d <= 30_000);
        assertThat(delays.get(delays.size() - 1)).as("late: intervals grow up to the max").isEqualTo(30_000);
        assertThat(delays).isSorted();
    }

    /**
     * The claim of the schedule, on synthetic tasks spread over the contract's ranges: no more status
     * calls than the vendor's advice, and at most half its p95 detection delay. (The benchmarks measure
     * the same through Kafka and the simulator.)
     */
    @Test
    void adaptiveNeedsNoMoreCallsThanTheVendorsAdviceAtLessThanHalfItsP95Delay() {
        PollSchedule vendor = new PollSchedule.Fixed(Duration.ofSeconds(60), Duration.ofSeconds(5));
        PollSchedule adaptive = adaptive(1.0);
        GenerationTimeModel prior = new GenerationTimeModel(1.0);
        java.util.Random random = new java.util.Random(7);
        List<GenerationInput> classes = List.of(input("480p", 5, false), input("720p", 10, false), input("1080p", 15, false),
                input("720p", 8, true), input("1080p", 20, true));
        long[][] results = new long[2][];
        for (int schedule = 0; schedule < 2; schedule++) {
            PollSchedule s = schedule == 0 ? vendor : adaptive;
            long calls = 0;
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                GenerationInput in = classes.get(i % classes.size());
                GenerationTimeModel.Distribution d = prior.distribution(in);
                long done = SUBMIT + d.lo() + (long) (random.nextDouble() * (d.hi() - d.lo()));
                long poll = s.firstPoll(in, SUBMIT);
                calls++;
                while (poll < done) {
                    poll = s.nextPoll(in, SUBMIT, poll);
                    calls++;
                }
                delays.add(poll - done);
            }
            delays.sort(null);
            results[schedule] = new long[] {calls, delays.get((int) (delays.size() * 0.95))};
        }
        double vendorCalls = results[0][0] / 2_000.0;
        double adaptiveCalls = results[1][0] / 2_000.0;
        assertThat(adaptiveCalls).as("calls per task: adaptive %.2f, vendor %.2f", adaptiveCalls, vendorCalls).isLessThanOrEqualTo(vendorCalls);
        assertThat(results[1][1]).as("p95 delay ms: adaptive %d, vendor %d", results[1][1], results[0][1]).isLessThanOrEqualTo(results[0][1] / 2);
    }

    @Test
    void adaptiveLearnsFromObservedGenerationTimes() {
        PollSchedule s = adaptive(1.0);
        GenerationInput in = input("720p", 8, false);
        for (long t : new long[]{40_000, 41_000, 42_000, 43_000, 44_000}) {
            s.observe(in, t);
        }
        // The learnt 5th percentile plus the target delay, not the contract's 61.5 s.
        assertThat(s.firstPoll(in, SUBMIT) - SUBMIT).isEqualTo(44_000);
        // Past the longest learnt time (44 s) it is late: max(target delay, lateness / 2).
        assertThat(s.nextPoll(in, SUBMIT, SUBMIT + 60_000) - SUBMIT).isEqualTo(68_000);
        // Other resolutions, and durations the family has not seen, keep the prior.
        assertThat(s.firstPoll(input("1080p", 8, false), SUBMIT) - SUBMIT).isEqualTo(Math.round(91_500 * 0.95) + 4_000);
        assertThat(s.firstPoll(input("720p", 12, false), SUBMIT) - SUBMIT).isEqualTo(Math.round(61_500 * 1.05) + 4_000);
        // Fewer than MIN_SAMPLES: still the prior.
        PollSchedule few = adaptive(1.0);
        few.observe(in, 10_000);
        assertThat(few.firstPoll(in, SUBMIT)).isEqualTo(adaptive(1.0).firstPoll(in, SUBMIT));
    }

    /**
     * Once a class is learnt, the schedule is close to the best possible one: for generation times
     * uniform on 60-70 s and a target delay of 4 s, any schedule with at most 5 % of the tasks seen
     * more than 4 s late must make its first call by 60.5 + 4 s, so it needs at least
     * 1 + P(c &gt; 64.5 s) + P(c &gt; 68.5 s) = 1.70 calls per task; the adaptive schedule makes
     * about that many, with a p95 delay of about the target.
     */
    @Test
    void learntAdaptiveIsNearTheFewestCallsForItsP95Delay() {
        PollSchedule s = adaptive(1.0);
        GenerationInput in = input("720p", 10, false);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < GenerationTimeModel.WINDOW; i++) {
            s.observe(in, 60_000 + Math.round(10_000 * (i + 0.5) / GenerationTimeModel.WINDOW));
        }
        long calls = 0;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            long done = SUBMIT + 60_000 + (long) (random.nextDouble() * 10_000);
            long poll = s.firstPoll(in, SUBMIT);
            calls++;
            while (poll < done) {
                poll = s.nextPoll(in, SUBMIT, poll);
                calls++;
            }
            delays.add(poll - done);
        }
        delays.sort(null);
        assertThat(calls / 4_000.0).isBetween(1.62, 1.80);
        assertThat(delays.get((int) (delays.size() * 0.95))).isBetween(3_900L, 4_300L);
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
