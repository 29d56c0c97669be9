package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PollPlannerTest {
    private static final long SUBMIT = 1_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(100);
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "p", "720p", 10, "16:9", null, 1L, null);

    /** A schedule with fixed answers that records what it learnt. */
    private static final class StubSchedule implements PollSchedule {
        long firstDelay = 60_000;
        long interval = 5_000;
        final List<Long> observed = new ArrayList<>();

        @Override
        public long firstPoll(GenerationInput input, long submitTime) {
            return submitTime + firstDelay;
        }

        @Override
        public long nextPoll(GenerationInput input, long submitTime, long now) {
            return now + interval;
        }

        @Override
        public void observe(GenerationInput input, long generationMs) {
            observed.add(generationMs);
        }
    }

    private final StubSchedule schedule = new StubSchedule();
    private final PollPlanner planner = new PollPlanner(schedule, TIMEOUT);

    private FollowedTask task() {
        TrackedRequest r = new TrackedRequest(RequestIdentity.of("sink", new SourceCoordinates("in", 0, 1)), "req", "async", "auto", INPUT,
                Map.of());
        FollowedTask t = new FollowedTask(r.identity(), "task-1", TrackingRecord.submitted(r, "task-1", 1, List.of(), SUBMIT), 1, false,
                SUBMIT);
        t.deadline = planner.deadline(t.submitTime());
        return t;
    }

    @Test
    void aTaskTimeoutOfLongMaxValueNeverComesInsteadOfOverflowing() {
        PollPlanner forever = new PollPlanner(schedule, Duration.ofMillis(Long.MAX_VALUE));
        assertThat(forever.deadline(SUBMIT)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theDeadlineIsTheSubmitTimePlusTheTaskTimeout() {
        assertThat(planner.deadline(SUBMIT)).isEqualTo(SUBMIT + 100_000);
    }

    @Test
    void theFirstPollFollowsTheScheduleButNeverComesBeforeNowNorAfterTheDeadline() {
        FollowedTask t = task();
        assertThat(planner.firstPoll(t, SUBMIT)).isEqualTo(SUBMIT + 60_000);
        assertThat(planner.firstPoll(t, SUBMIT + 70_000)).as("read late: at once").isEqualTo(SUBMIT + 70_000);
        schedule.firstDelay = 500_000;
        assertThat(planner.firstPoll(t, SUBMIT)).as("capped at the deadline").isEqualTo(SUBMIT + 100_000);
    }

    @Test
    void theNextPollFollowsTheScheduleCappedAtTheDeadline() {
        FollowedTask t = task();
        assertThat(planner.nextPoll(t, SUBMIT + 61_000)).isEqualTo(SUBMIT + 66_000);
        assertThat(planner.nextPoll(t, SUBMIT + 98_000)).isEqualTo(SUBMIT + 100_000);
        assertThat(planner.nextPoll(t, SUBMIT + 120_000)).as("never before now").isEqualTo(SUBMIT + 120_000);
    }

    @Test
    void aCallbackAsksForACallNowOrRightAfterTheOneOnTheWire() {
        FollowedTask t = task();
        assertThat(planner.confirmNow(t, SUBMIT + 10)).hasValue(SUBMIT + 10);
        t.inFlight = true;
        assertThat(planner.confirmNow(t, SUBMIT + 20)).isEmpty();
        assertThat(t.confirmPending).isTrue();
        t.inFlight = false;
        assertThat(planner.nextPoll(t, SUBMIT + 30)).as("the answer came: confirm at once").isEqualTo(SUBMIT + 30);
        assertThat(t.confirmPending).isFalse();
        assertThat(planner.nextPoll(t, SUBMIT + 40)).as("then the schedule again").isEqualTo(SUBMIT + 5_040);
    }

    @Test
    void aCallMadeAtOrAfterTheDeadlineIsTheFinalOne() {
        FollowedTask t = task();
        t.lastCallAt = SUBMIT + 99_999;
        assertThat(planner.wasFinalPoll(t)).isFalse();
        t.lastCallAt = SUBMIT + 100_000;
        assertThat(planner.wasFinalPoll(t)).isTrue();
    }

    @Test
    void theScheduleLearnsTheGenerationTimeFromTheApisTimesOrCostTime() {
        FollowedTask t = task();
        planner.observe(t, new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of(), null, null, 10_000L, 55_000L, 44_000L));
        planner.observe(t, new TaskStatus("task-1", TaskState.SUCCESS, "success", List.of(), null, null, null, null, 42_000L));
        planner.observe(t, new TaskStatus("task-1", TaskState.FAILED, "failed", List.of(), null, null, null, null, null));
        assertThat(schedule.observed).containsExactly(45_000L, 42_000L);
    }
}
