package io.ltx2.connect.source;

import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.util.Times;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The source's guarantee in one place: one terminal event per request, where a request is its
 * record ({@link RequestIdentity}), never its request id. All records of a request arrive in order
 * on one tracking partition; this class reads them, follows the request's API task(s), decides
 * when the request is resolved, and holds every one of its tracking offsets until then.
 *
 * <ul>
 *   <li>INTENT: the request may have a task from now on; its offset is held. WITHDRAWN: that
 *   attempt never reached the API, so it is no possible charge; its offset is held too.
 *   <li>SUBMITTED: follow the task. Another task for the same request (a zombie create) is followed
 *       too; the first terminal outcome of any gives the one event ({@code duplicate-tasks}).
 *   <li>REJECTED: the event at once, unless a task is followed (then that task's outcome decides).
 *       A DRY_RUN event is not remembered: the real submission of the record later gets its own.
 *   <li>CALLBACK: confirms the followed task; for a request with INTENTs (or a WITHDRAWN record) and no
 *       task, adopts the callback's task (its create was never answered); for another task, counts an orphan.
 *   <li>INTENTs alone for {@code ltx.task.timeout.ms}: let go without an event (the sink has not
 *       committed the request's input, so it handles the record again).
 *   <li>Any record of a request resolved lately ({@link ResolvedRequests}) is skipped.
 * </ul>
 */
final class RequestRegistry {
    private static final Logger log = LoggerFactory.getLogger(RequestRegistry.class);
    static final int MAX_EARLY_CALLBACKS = 10_000;

    /** Follows tasks' statuses for the registry (polling, confirmation). */
    interface Following {
        void follow(FollowedTask task, long now);

        /**
         * A callback came for the task: the outcome when its body alone decides, else empty once a
         * confirming status call is planned. {@code callback} null: always confirm with a call.
         */
        Optional<Outcome> confirm(FollowedTask task, TrackingRecord callback, long now);

        void unfollow(FollowedTask task);
    }

    /** Where the registry's decisions go. */
    interface Output {
        /** The tracking record at {@code at} needs nothing more. */
        void resolve(TrackingOffset at);

        /** A request's event; its records' offsets were resolved just before. */
        void emit(int partition, Struct event, RequestFacts facts);

        /**
         * A request's decision: its event, and the offsets of its records, which resolve with it (at once here; a
         * later stage, such as {@link ArchiveStage}, may hold both until its work is done).
         */
        default void emitResolving(int partition, List<TrackingOffset> held, Struct event, RequestFacts facts, long now) {
            held.forEach(this::resolve);
            emit(partition, event, facts);
        }
    }

    private final long taskTimeoutMs;
    private final Following following;
    private final Output output;
    private final SourceTaskMetrics metrics;
    private final Map<RequestIdentity, RequestState> requests = new HashMap<>();
    private final Map<String, List<FollowedTask>> byTaskId = new HashMap<>();
    private final TreeSet<RequestState> intentsOnly = new TreeSet<>(
            Comparator.comparingLong((RequestState s) -> s.expiresAt).thenComparingLong(s -> s.seq));
    private final ResolvedRequests resolved = new ResolvedRequests();
    /** Callbacks without identity (a callback URL without rid) read before their SUBMITTED record: task id -> record. */
    private final Map<String, TrackingRecord> earlyCallbacks = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrackingRecord> eldest) {
            return size() > MAX_EARLY_CALLBACKS;
        }
    };

    RequestRegistry(Duration taskTimeout, Following following, Output output, SourceTaskMetrics metrics) {
        this.taskTimeoutMs = taskTimeout.toMillis();
        this.following = Objects.requireNonNull(following, "following");
        this.output = Objects.requireNonNull(output, "output");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Requests outstanding: read and not yet resolved. */
    int outstanding() {
        return requests.size();
    }

    void onRecord(TrackingReader.Read read, long now) {
        TrackingOffset at = read.at();
        TrackingRecord r = read.record();
        RequestIdentity id = read.identity();
        if (r.type() == TrackingRecordType.CALLBACK) {
            metrics.callbackRead();
        }
        if (id == null) {
            onCallbackWithoutIdentity(at, r, now);
            return;
        }
        if (resolved.contains(id)) {
            skipResolved(at, r, id);
            return;
        }
        switch (r.type()) {
            case INTENT -> onIntent(at, r, id, now);
            case WITHDRAWN -> onWithdrawn(at, r, id, now);
            case SUBMITTED -> onSubmitted(at, r, id, now);
            case REJECTED -> onRejected(at, r, id, now);
            case CALLBACK -> onCallback(at, r, id, now);
        }
    }

    /** The outstanding requests holding a record of {@code partition} below {@code offset}. */
    List<RequestIdentity> heldBelow(int partition, long offset) {
        return requests.values().stream().filter(s -> s.partition == partition && s.held.stream().anyMatch(at -> at.offset() < offset))
                .map(s -> s.identity).toList();
    }

    /** A followed task's outcome: the first one of a request gives its event. */
    void complete(FollowedTask task, Outcome outcome, long now) {
        RequestState s = requests.get(task.identity);
        if (task.done || s == null) {
            return;
        }
        RequestFacts facts = RequestFacts.of(s.identity, task.origin(), task.taskId, task.submitTime(), task.attempt(), task.adopted(),
                s.otherAttempts(task), s.otherTaskIds(task));
        Struct event = outcome.status() != null ? TerminalEvent.fromStatus(facts, outcome.status(), now)
                : TerminalEvent.failed(facts, outcome.failCode(), outcome.failMsg(), now);
        log.debug("{} resolved as {} after {} status calls", task, event.getString("state"), task.polls);
        finish(s, event, facts, true, outcome.status() == null ? null : outcome.status().completeTime(), now);
    }

    /** Lets go of requests that had INTENTs only for longer than the task time-out; returns how many. */
    int expireIntents(long now) {
        int n = 0;
        while (!intentsOnly.isEmpty() && intentsOnly.first().expiresAt <= now) {
            RequestState s = intentsOnly.pollFirst();
            requests.remove(s.identity);
            s.held.forEach(output::resolve);
            metrics.intentExpired();
            n++;
            log.warn("Request {} has had create intents {} without a SUBMITTED or REJECTED record for {} ms: its tracking "
                    + "records are released without an event (the sink has not committed it and handles it again)", s.identity,
                    s.otherAttempts(null), taskTimeoutMs);
        }
        return n;
    }

    private void onIntent(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = state(id, at);
        intentsOnly.remove(s);
        s.intent(r, now, taskTimeoutMs);
        if (s.tasks.isEmpty()) {
            intentsOnly.add(s);
        }
    }

    private void onWithdrawn(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = state(id, at);
        s.withdrawn(r);
        if (s.tasks.isEmpty()) {
            // Nothing to follow: like an INTENT-only request, let go after the time-out unless the sink tries again.
            intentsOnly.remove(s);
            if (s.expiresAt == Long.MAX_VALUE) {
                s.expiresAt = Times.plus(now, taskTimeoutMs);
            }
            intentsOnly.add(s);
        }
    }

    private void onSubmitted(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        if (r.taskId() == null || r.taskId().isBlank()) {
            log.warn("SUBMITTED record {} of request {} has no task id: skipped", at, id);
            output.resolve(at);
            return;
        }
        RequestState s = state(id, at);
        s.attempts(r);
        FollowedTask known = s.task(r.taskId());
        if (known != null) {
            if (known.adopted() && !r.isReused()) {
                known.submitted(r); // adopted through its callback before its SUBMITTED record came: an ordinary task after all
            }
            log.debug("SUBMITTED record {} for task {} that request {} already follows", at, r.taskId(), id);
            return;
        }
        if (!s.tasks.isEmpty()) {
            metrics.duplicateTask();
            log.warn("Request {} has a second task {} (attempt {}) besides {}: both are followed, the first outcome gives the "
                    + "event; the other task was created, and billed, for nothing", id, r.taskId(), r.attempt(), s.tasks.get(0).taskId);
        }
        FollowedTask task = follow(s, new FollowedTask(id, r.taskId(), r, r.attempt(), false, r.time()), now);
        TrackingRecord early = earlyCallbacks.remove(r.taskId());
        if (early != null) {
            confirm(task, early, now);
        }
    }

    private void onRejected(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = requests.get(id);
        if (s != null && !s.tasks.isEmpty()) {
            s.hold(at);
            s.attempts(r);
            log.debug("REJECTED record {} of request {} that follows task {}: the task's outcome decides", at, id, s.tasks.get(0).taskId);
            return;
        }
        if (s == null) {
            s = new RequestState(id, at.partition());
        }
        s.hold(at);
        s.attempts(r);
        RequestFacts facts = RequestFacts.of(s.identity, r, null, r.time(), null, false, s.attemptsBesideRejected(), List.of());
        boolean dryRun = TerminalEvent.DRY_RUN.equals(r.failCode());
        finish(s, TerminalEvent.rejected(facts, r.failCode(), r.failMsg(), now), facts, !dryRun, null, now);
    }

    private void onCallback(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = requests.get(id);
        if (s == null) {
            output.resolve(at);
            log.debug("CALLBACK {} for task {} of request {} that is not outstanding", at, r.taskId(), id);
            return;
        }
        s.hold(at);
        FollowedTask task = s.task(r.taskId());
        if (task != null) {
            confirm(task, r, now);
        } else if (s.tasks.isEmpty()) {
            adopt(s, r, now);
        } else if (s.orphan(r.taskId())) {
            metrics.duplicateTask();
            log.warn("Callback of task {} for request {}, which follows task {}: an orphaned duplicate create, billed for nothing",
                    r.taskId(), id, s.tasks.get(0).taskId);
        }
    }

    /** The request's create was never answered (no SUBMITTED record), but its task called back: follow that task. */
    private void adopt(RequestState s, TrackingRecord callback, long now) {
        TrackingRecord origin = s.adoptionOrigin();
        if (origin == null) {
            log.warn("Callback of task {} for request {}, which has no record to adopt it from: held with the request", callback.taskId(),
                    s.identity);
            return;
        }
        Integer attempt = s.latestIntent() == null ? null : s.latestAttempt(); // a WITHDRAWN attempt never reached the API
        FollowedTask task = follow(s, new FollowedTask(s.identity, callback.taskId(), origin, attempt, true, origin.time()), now);
        metrics.adopted();
        log.info("Adopting task {} of request {} through its callback: create attempt {} was never answered", callback.taskId(),
                s.identity, attempt == null ? "(unknown)" : attempt);
        confirm(task, null, now); // an adopted task id comes from a webhook alone: always confirmed by a status call
    }

    /** A callback without a request identity (a callback URL without rid): matched by task id among the followed tasks. */
    private void onCallbackWithoutIdentity(TrackingOffset at, TrackingRecord r, long now) {
        List<FollowedTask> tasks = r.taskId() == null ? null : byTaskId.get(r.taskId());
        if (tasks == null || tasks.isEmpty()) {
            output.resolve(at); // unknown, finished, or not read yet: then its SUBMITTED record picks it up
            if (r.taskId() != null) {
                earlyCallbacks.put(r.taskId(), r);
            }
            log.debug("CALLBACK {} for task {} that is not followed", at, r.taskId());
            return;
        }
        requests.get(tasks.get(0).identity).hold(at);
        for (FollowedTask task : List.copyOf(tasks)) {
            confirm(task, r, now);
        }
    }

    private void skipResolved(TrackingOffset at, TrackingRecord r, RequestIdentity id) {
        output.resolve(at);
        boolean namesTask = r.type() == TrackingRecordType.CALLBACK || r.type() == TrackingRecordType.SUBMITTED && !r.isReused();
        if (namesTask && resolved.newTask(id, r.taskId())) {
            metrics.duplicateTask();
            log.warn("{} record {} names task {} of request {} whose event is already out: a second task was created, and billed, "
                    + "for it", r.type(), at, r.taskId(), id);
        } else {
            log.debug("{} record {} of request {} whose event is already out: skipped", r.type(), at, id);
        }
    }

    private FollowedTask follow(RequestState s, FollowedTask task, long now) {
        s.tasks.add(task);
        intentsOnly.remove(s);
        s.expiresAt = Long.MAX_VALUE;
        byTaskId.computeIfAbsent(task.taskId, k -> new ArrayList<>(1)).add(task);
        following.follow(task, now);
        return task;
    }

    private void confirm(FollowedTask task, TrackingRecord callback, long now) {
        if (task.done) {
            return;
        }
        following.confirm(task, callback, now).ifPresent(outcome -> complete(task, outcome, now));
    }

    private void finish(RequestState s, Struct event, RequestFacts facts, boolean remember, Long completeTime, long now) {
        int polls = 0;
        for (FollowedTask t : s.tasks) {
            polls += t.polls;
            t.done = true;
            following.unfollow(t);
            List<FollowedTask> same = byTaskId.get(t.taskId);
            if (same != null && same.remove(t) && same.isEmpty()) {
                byTaskId.remove(t.taskId);
            }
        }
        requests.remove(s.identity);
        intentsOnly.remove(s);
        if (remember) {
            resolved.remember(s.identity, s.taskIds());
        }
        output.emitResolving(s.partition, s.held, event, facts, now);
        metrics.event(event.getString("state"), completeTime, now);
        if (!s.tasks.isEmpty()) {
            metrics.statusCalls(polls);
        }
    }

    private RequestState state(RequestIdentity id, TrackingOffset at) {
        RequestState s = requests.computeIfAbsent(id, k -> new RequestState(k, at.partition()));
        s.hold(at);
        return s;
    }
}
