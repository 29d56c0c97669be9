package io.ltx2.connect.simulation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the virtual API does in one schedule: periods when it cannot take work (402: the balance ran
 * out; 503: an outage), how often a create's answer goes wrong, how tasks end, and how callbacks fare.
 * Times are virtual milliseconds since the start.
 */
final class ApiPlan {
    /** A period [from, to). */
    record Window(long from, long to) {
        boolean contains(long t) {
            return t >= from && t < to;
        }
    }

    final List<Window> noBalance = new ArrayList<>();
    final List<Window> outage = new ArrayList<>();
    /** Per create: refused with 500 before anything was made; made, and its answer lost (connection closed), late, or a 502. */
    double create500Before;
    double answerDropped;
    double answerLate;
    double answer502After;
    double throttled;
    /** Per status call: a 500. */
    double status500;
    /** How a task ends: retried fail code, unavailable fail code, terminal fail code; else success. */
    double failRetryable;
    double failUnavailable;
    double failTerminal;
    long minGenerationMs;
    long maxGenerationMs;
    /** Per callback delivery: lost; delivered twice; each task's deliveries otherwise follow {@link #callbackRetriesMs}. */
    double callbackLost;
    double callbackDuplicated;
    long[] callbackRetriesMs = {0, 3_000, 12_000, 60_000};
    private boolean healed;
    /** Scenarios: per prompt, what its successive creates get ("200", "dropped", "late", "502-after", "500-before", "402", "503"). */
    final Map<String, Deque<String>> createAnswers = new HashMap<>();
    /** Scenarios: per prompt, how its successive tasks end (a fail code; "" for success). */
    final Map<String, Deque<String>> taskEnds = new HashMap<>();

    /** An API without faults: every create answered, every task a success after 2 to 4 s, every callback delivered. */
    static ApiPlan clean() {
        ApiPlan p = new ApiPlan();
        p.minGenerationMs = 2_000;
        p.maxGenerationMs = 4_000;
        return p;
    }

    /** The next scripted answer to a create of {@code prompt}; null when none is scripted. */
    String scriptedAnswer(String prompt) {
        Deque<String> q = createAnswers.get(prompt);
        return q == null ? null : q.poll();
    }

    /** The next scripted end of a task of {@code prompt} (a fail code, "" for success); null when none is scripted. */
    String scriptedEnd(String prompt) {
        Deque<String> q = taskEnds.get(prompt);
        return q == null ? null : q.poll();
    }

    ApiPlan answers(String prompt, String... answers) {
        createAnswers.put(prompt, new ArrayDeque<>(List.of(answers)));
        return this;
    }

    ApiPlan ends(String prompt, String... ends) {
        taskEnds.put(prompt, new ArrayDeque<>(List.of(ends)));
        return this;
    }

    static ApiPlan random(Random r, long faultsUntilMs) {
        ApiPlan p = new ApiPlan();
        if (r.nextInt(3) == 0) {
            long from = r.nextLong(faultsUntilMs);
            p.noBalance.add(new Window(from, from + 2_000 + r.nextLong(60_000)));
        }
        if (r.nextInt(3) == 0) {
            long from = r.nextLong(faultsUntilMs);
            p.outage.add(new Window(from, from + 1_000 + r.nextLong(30_000)));
        }
        boolean faulty = r.nextInt(4) != 0;
        p.create500Before = faulty ? r.nextDouble() * 0.1 : 0;
        p.answerDropped = faulty ? r.nextDouble() * 0.25 : 0;
        p.answerLate = faulty ? r.nextDouble() * 0.1 : 0;
        p.answer502After = faulty ? r.nextDouble() * 0.1 : 0;
        p.throttled = faulty ? r.nextDouble() * 0.05 : 0;
        p.status500 = faulty ? r.nextDouble() * 0.1 : 0;
        p.failRetryable = r.nextDouble() * 0.4;
        p.failUnavailable = r.nextInt(4) == 0 ? r.nextDouble() * 0.2 : 0;
        p.failTerminal = r.nextDouble() * 0.15;
        p.minGenerationMs = 1_000 + r.nextLong(4_000);
        p.maxGenerationMs = p.minGenerationMs + r.nextLong(30_000);
        p.callbackLost = r.nextDouble() * 0.5;
        p.callbackDuplicated = r.nextDouble() * 0.2;
        return p;
    }

    boolean inNoBalance(long t) {
        return !healed && noBalance.stream().anyMatch(w -> w.contains(t));
    }

    boolean inOutage(long t) {
        return !healed && outage.stream().anyMatch(w -> w.contains(t));
    }

    /** From now on the API makes no more faults (the run heals): the periods end, no answer goes wrong, no fail code says "unavailable". */
    void heal() {
        healed = true;
    }

    /** A fault's probability now: none once healed. */
    double now(double p) {
        return healed ? 0 : p;
    }

    @Override
    public String toString() {
        return String.format("api{noBalance=%s outage=%s create500=%.2f dropped=%.2f late=%.2f 502=%.2f 429=%.2f status500=%.2f "
                        + "retryable=%.2f unavailable=%.2f terminal=%.2f gen=%d..%dms cbLost=%.2f cbDup=%.2f}", noBalance, outage,
                create500Before, answerDropped, answerLate, answer502After, throttled, status500, failRetryable, failUnavailable,
                failTerminal, minGenerationMs, maxGenerationMs, callbackLost, callbackDuplicated);
    }
}
