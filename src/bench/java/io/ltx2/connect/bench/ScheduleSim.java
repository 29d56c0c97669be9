package io.ltx2.connect.bench;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.source.ScheduleProbe;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Drives a source task's poll schedule against tasks with known generation times, in-process and in
 * API milliseconds: each task is followed from its submit time (first call from the schedule then),
 * every call at or after its completion detects it (and the schedule learns its generation time, as
 * the connector does from completeTime - createTime), every earlier call asks the schedule for the
 * next. The calls of all tasks are made in time order, so what a task's later calls see of the
 * learnt model is what a single source task would have seen. No rate limits, no call latency.
 */
final class ScheduleSim {
    /** What is simulated: a source task's poll schedule (see {@link #of}). */
    interface Schedule {
        long firstPoll(GenerationInput input, long submitMs);

        long nextPoll(GenerationInput input, long submitMs, long nowMs);

        void observe(GenerationInput input, long generationMs);
    }

    /** A task: its input, submit time and generation time (API ms). */
    record Task(GenerationInput input, long submitMs, long generationMs) {
    }

    /** Per task: status calls and detection delay (ms). */
    record Outcome(int[] calls, long[] delayMs) {
    }

    private ScheduleSim() {
    }

    /** The schedule of a source task, as built from its configuration. */
    static Schedule of(ScheduleProbe probe) {
        return new Schedule() {
            @Override
            public long firstPoll(GenerationInput input, long submitMs) {
                return probe.firstPoll(input, submitMs);
            }

            @Override
            public long nextPoll(GenerationInput input, long submitMs, long nowMs) {
                return probe.nextPoll(input, submitMs, nowMs);
            }

            @Override
            public void observe(GenerationInput input, long generationMs) {
                probe.observe(input, generationMs);
            }
        };
    }

    static Outcome run(Schedule schedule, List<Task> tasks) {
        int n = tasks.size();
        int[] calls = new int[n];
        long[] delay = new long[n];
        // Events: time, then task index; an index of -1 - i is task i's arrival.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (int i = 0; i < n; i++) {
            queue.add(new long[] {tasks.get(i).submitMs(), -1 - i});
        }
        while (!queue.isEmpty()) {
            long[] e = queue.poll();
            long now = e[0];
            if (e[1] < 0) {
                int i = (int) (-1 - e[1]);
                Task t = tasks.get(i);
                queue.add(new long[] {Math.max(now, schedule.firstPoll(t.input(), t.submitMs())), i});
                continue;
            }
            int i = (int) e[1];
            Task t = tasks.get(i);
            calls[i]++;
            long complete = t.submitMs() + t.generationMs();
            if (now >= complete) {
                delay[i] = now - complete;
                schedule.observe(t.input(), t.generationMs());
            } else {
                queue.add(new long[] {Math.max(now, schedule.nextPoll(t.input(), t.submitMs(), now)), i});
            }
        }
        return new Outcome(calls, delay);
    }
}
