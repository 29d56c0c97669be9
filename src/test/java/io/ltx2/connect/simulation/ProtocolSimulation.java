package io.ltx2.connect.simulation;

import io.ltx2.connect.config.CallbackConfig;
import io.ltx2.connect.config.LtxSinkConfig;
import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.config.RetryConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link Schedule}: both connectors' real tasks on the simulated workers, Kafka and API, in
 * virtual time; the schedule's requests and faults; then the heal (the API takes work again, no more
 * faults) and the settle, until every request has its event or the time is up; then the
 * {@link Invariants}. The same seed runs the same schedule, event for event.
 */
public final class ProtocolSimulation {
    private static final long SETTLE_STEP_MS = 5_000;
    private static final long AFTER_LAST_EVENT_MS = 60_000;

    /** What a run found. */
    public record Result(Schedule schedule, List<String> violations, long events, long virtualMs, int requests, int apiTasks, World world) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    private ProtocolSimulation() {
    }

    public static Result run(long seed) {
        return run(Schedule.of(seed));
    }

    /** Runs {@code s} (a seed's, or a scenario a test wrote out). */
    static Result run(Schedule s) {
        World w = new World(s);
        SinkWorker sink = new SinkWorker(w, sinkProps(s));
        SourceWorker source = new SourceWorker(w, sourceProps(s));
        sink.startAll();
        source.startAll();
        s.requests.forEach(q -> w.time.worker(q.atMs() * 1_000_000, null, () -> w.write(q)));
        new Faults(w, sink, source).scheduleAll();
        w.time.worker(s.faultsUntilMs * 1_000_000, null, s.api::heal);
        long end = s.faultsUntilMs + s.settleMs;
        long doneAt = -1;
        long t = s.faultsUntilMs;
        while (t < end) {
            t += SETTLE_STEP_MS;
            w.time.runUntil(t * 1_000_000);
            if (doneAt < 0 && answered(w)) {
                doneAt = t;
                end = Math.min(end, t + AFTER_LAST_EVENT_MS);
            }
        }
        List<String> violations = new Invariants(w).check(source, sink);
        return new Result(s, violations, w.time.events(), t, s.requests.size(), w.api.tasks().size(), w);
    }

    /** Whether every request the connectors must answer has an event. */
    private static boolean answered(World w) {
        String current = w.kafka.topic(SinkWorker.INPUT).id;
        return w.ledger.inputs.values().stream().filter(in -> in.accepted || in.topicId.equals(current))
                .allMatch(in -> w.ledger.events.stream().anyMatch(e -> e.prompt().equals(in.spec.prompt())));
    }

    static Map<String, String> sinkProps(Schedule s) {
        Map<String, String> p = common(s);
        p.put("name", World.SINK);
        p.put("topics", SinkWorker.INPUT);
        p.put("errors.tolerance", "all");
        p.put(LtxSinkConfig.REQUEST_TYPE, s.callbacks ? "callback" : "async");
        if (s.callbacks) {
            p.put(LtxSinkConfig.CALLBACK_URL, World.CALLBACK_URL);
        }
        p.put(LtxSinkConfig.SHUTDOWN_TIMEOUT_MS, String.valueOf(s.shutdownMs));
        p.put(LtxSinkConfig.ADOPTION_TIMEOUT_MS, String.valueOf(s.adoptionMs));
        p.put(LtxSinkConfig.CREATE_AMBIGUOUS_RETRIES, String.valueOf(s.ambiguousRetries));
        p.put("ltx.sink.unavailable.retry.backoff.ms", "1000");
        p.put("ltx.sink.unavailable.retry.backoff.max.ms", "8000");
        return p;
    }

    static Map<String, String> sourceProps(Schedule s) {
        Map<String, String> p = common(s);
        p.put("name", "ltx-source");
        p.put(LtxSourceConfig.TASK_TIMEOUT_MS, String.valueOf(s.taskTimeoutMs));
        p.put(LtxSourceConfig.POLL_MIN_INTERVAL_MS, "500");
        p.put(LtxSourceConfig.POLL_MAX_INTERVAL_MS, "5000");
        p.put(LtxSourceConfig.POLL_TIME_SCALE, "0.1");
        p.put(RetryConfig.MAX, String.valueOf(s.retryMax));
        p.put(RetryConfig.RESEND_MS, String.valueOf(s.resendMs));
        if (s.callbacks) {
            p.put(CallbackConfig.ENABLED, "true");
            p.put(CallbackConfig.TOKEN, World.CALLBACK_TOKEN);
            p.put(CallbackConfig.SAFETY_POLL_MS, "20000");
        }
        return p;
    }

    private static Map<String, String> common(Schedule s) {
        Map<String, String> p = new HashMap<>();
        p.put(LtxSinkConfig.API_URL, "https://api.sim/api/v1");
        p.put(LtxSinkConfig.API_KEY, World.API_KEY);
        p.put(LtxSinkConfig.TRACKING_TOPIC, World.TRACKING);
        p.put(LtxSinkConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        p.put(LtxSinkConfig.API_CONNECT_TIMEOUT_MS, "1000");
        p.put(LtxSinkConfig.API_RESPONSE_TIMEOUT_MS, "3000");
        p.put(LtxSinkConfig.API_RETRY_BACKOFF_MS, "200");
        p.put(LtxSinkConfig.API_RETRY_BACKOFF_MAX_MS, "2000");
        return p;
    }

    /** Runs {@code seed} and prints what it found (or, with a count, that many seeds, a line each): for replaying by hand. */
    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        if (args.length == 1) {
            Result r = run(first);
            System.out.println(r.schedule());
            System.out.println(r.passed() ? "passed" : "violations:\n  " + String.join("\n  ", r.violations()));
            return;
        }
        long count = Long.parseLong(args[1]);
        int failed = 0;
        for (long seed = first; seed < first + count; seed++) {
            Result r = run(seed);
            if (!r.passed()) {
                failed++;
                System.out.println(seed + ": " + r.violations().stream().map(v -> v.length() > 160 ? v.substring(0, 160) : v).toList());
            }
        }
        System.out.println(count + " seeds from " + first + ": " + failed + " failed");
    }
}
