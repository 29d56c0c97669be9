package io.ltx2.connect.source;

import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The source's guarantee in one place: one terminal event per request, where a request is its record
 * ({@link RequestIdentity}), never its request id. All records of a request arrive in order on one
 * tracking partition; this class folds them into the request's lifecycle ({@link RequestState}), follows
 * its API task(s), decides when it is resolved, and holds every one of its tracking offsets until then.
 * <ul>
 *   <li>INTENT: the request may have a task from now on; WITHDRAWN: that attempt never reached the API.
 *   <li>SUBMITTED: follow the task (also when the sink adopted it through its callback); another task of the request (a
 *       zombie create) is followed too: the first terminal outcome of any gives the one event ({@code duplicate-tasks}).
 *   <li>REJECTED: the event at once, unless a task is followed (then its outcome decides). A DRY_RUN event is not remembered.
 *   <li>CALLBACK ({@link CallbackRecords}): confirms the followed task; for another task, an orphan; with no live task, held
 *       until the sink's SUBMITTED record of the task it adopts.
 *   <li>A task failed with a fail code worth another attempt ({@link Retries}): a RETRY record asks the sink for one, and the
 *       request waits for that attempt's SUBMITTED or REJECTED record. A RETRY of a request not outstanding is resolved.
 *   <li>INTENTs alone for {@code ltx.task.timeout.ms}: let go without an event (the sink has not committed the request's
 *       input, so it handles the record again). Any record of a request resolved lately ({@link ResolvedRequests}) is skipped.
 * </ul>
 */
final class RequestRegistry {
    private static final Logger log = LoggerFactory.getLogger(RequestRegistry.class);

    /** Follows tasks' statuses for the registry (polling, confirmation). */
    interface Following {
        void follow(FollowedTask task, long now);

        /** A callback came for the task: the outcome when its body alone decides, else empty (a status call is planned). */
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
    private final CallbackRecords callbacks;
    private final Retries retries;

    RequestRegistry(Duration taskTimeout, Following following, Output output, SourceTaskMetrics metrics) {
        this(taskTimeout, following, output, metrics, Retries.NONE);
    }

    RequestRegistry(Duration taskTimeout, Following following, Output output, SourceTaskMetrics metrics, Retries retries) {
        this.taskTimeoutMs = taskTimeout.toMillis();
        this.following = Objects.requireNonNull(following, "following");
        this.output = Objects.requireNonNull(output, "output");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.callbacks = new CallbackRecords(this, output, metrics);
    }

    /** Requests read and not yet resolved. */
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
            callbacks.withoutIdentity(at, r, now);
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
            case CALLBACK -> callbacks.onCallback(requests.get(id), at, r, id, now);
            case RETRY -> onRetry(at, r, id);
        }
    }

    /** The outstanding requests holding a record of {@code partition} below {@code offset}. */
    List<RequestIdentity> heldBelow(int partition, long offset) {
        return requests.values().stream().filter(s -> s.partition == partition && s.held.stream().anyMatch(at -> at.offset() < offset))
                .map(s -> s.identity).toList();
    }

    /** A followed task's outcome: the first one of a request gives its event, unless its fail code is retried. */
    void complete(FollowedTask task, Outcome outcome, long now) {
        RequestState s = requests.get(task.identity);
        if (task.done || s == null) {
            return;
        }
        if (retries.takeOver(s, task, outcome, now)) {
            retire(task); // named on the request's event as another attempt; the request waits for its next one
            return;
        }
        emitOutcome(s, task, outcome, null, now);
    }

    /** Gives up on requests whose retry the sink did not make in time: their failed task's event; returns how many. */
    int expireRetries(long now) {
        List<RequestState> expired = retries.due(now);
        expired.forEach(s -> emitOutcome(s, s.retry.task, s.retry.outcome, "; a new attempt was asked for, and none came within "
                + taskTimeoutMs + " ms", now));
        return expired.size();
    }

    private void emitOutcome(RequestState s, FollowedTask task, Outcome outcome, String note, long now) {
        RequestFacts facts = RequestFacts.of(s.identity, task.origin(), task.taskId, task.submitTime(), task.attempt(), task.adopted(),
                s.otherAttempts(task), s.otherTaskIds(task));
        Struct event = outcome.status() != null ? TerminalEvent.fromStatus(facts, outcome.status(), now)
                : TerminalEvent.failed(facts, outcome.failCode(), outcome.failMsg(), now);
        if (note != null) {
            event.put("failMsg", (event.getString("failMsg") == null ? "" : event.getString("failMsg")) + note);
        }
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

    /** A RETRY of an outstanding request (this task's own ask, or one written before a restart); of any other: stale, resolved. */
    private void onRetry(TrackingOffset at, TrackingRecord r, RequestIdentity id) {
        RequestState s = requests.get(id);
        if (s == null) {
            output.resolve(at); // its request got its event (before a restart, say): nothing waits for this ask
            log.debug("RETRY {} of request {} that is not outstanding: resolved", at, id);
            return;
        }
        s.hold(at, r);
        retries.asked(s, r);
    }

    private void onIntent(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = state(id, at, r);
        intentsOnly.remove(s);
        s.intentRead(now, taskTimeoutMs);
        if (s.tasks.isEmpty()) {
            intentsOnly.add(s);
        }
        retries.attemptStarted(s, now);
    }

    private void onWithdrawn(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = state(id, at, r);
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
        RequestState s = state(id, at, r);
        FollowedTask known = s.task(r.taskId());
        if (known != null) {
            if (known.adopted() && !r.isReused() && !r.isAdopted()) {
                known.submitted(r); // adopted through its callback before its SUBMITTED record came: an ordinary task after all
            }
            log.debug("SUBMITTED record {} for task {} that request {} already follows", at, r.taskId(), id);
            return;
        }
        retries.answered(s, r.attempt());
        boolean asked = s.lifecycle.isRetryAttempt(r.attempt()); // a RETRY's attempt: no second task
        if (!asked && s.tasks.stream().anyMatch(t -> !t.done)) {
            metrics.duplicateTask();
            log.warn("Request {} has a second task {} (attempt {}) besides {}: both are followed, the first outcome gives the "
                    + "event; the other task was created, and billed, for nothing", id, r.taskId(), r.attempt(), s.tasks.get(0).taskId);
        }
        Attempt intent = r.isAdopted() ? s.lifecycle.intent(r.attempt()) : null; // an adopted task was created when its INTENT went out
        FollowedTask task = follow(s, new FollowedTask(id, r.taskId(), r, r.attempt(), r.isAdopted(), intent != null ? intent.time() : r.time()),
                now);
        if (r.isAdopted()) {
            metrics.adopted();
        }
        callbacks.submitted(task, now);
    }

    private void onRejected(TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        RequestState s = requests.get(id);
        if (s != null && s.retry != null) {
            s.hold(at, r);
            emitOutcome(s, s.retry.task, s.retry.outcome, "; a new attempt was asked for, and refused: " + r.failMsg(), now);
            return;
        }
        if (s != null && !s.tasks.isEmpty()) {
            s.hold(at, r);
            log.debug("REJECTED record {} of request {} that follows task {}: the task's outcome decides", at, id, s.tasks.get(0).taskId);
            return;
        }
        if (s == null) {
            s = new RequestState(id, at.partition());
        }
        s.hold(at, r);
        RequestFacts facts = RequestFacts.of(s.identity, r, null, r.time(), null, false, s.otherAttempts(null), List.of());
        // A dry run's rejection is a preview: not remembered as the request's outcome, so its real submission gets an event.
        finish(s, TerminalEvent.refused(facts, r.failCode(), r.failMsg(), r.httpStatus(), r.failDetail(), now), facts,
                !RequestLifecycle.isPreview(r), null, now);
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

    /** A task whose outcome is known but gives no event (its request is retried): no more calls for it. */
    private void retire(FollowedTask task) {
        task.done = true;
        following.unfollow(task);
        unindex(task);
    }

    private void unindex(FollowedTask t) {
        List<FollowedTask> same = byTaskId.get(t.taskId);
        if (same != null && same.remove(t) && same.isEmpty()) {
            byTaskId.remove(t.taskId);
        }
    }

    /** The followed tasks of this task id (several requests may share one), or null. */
    List<FollowedTask> followed(String taskId) {
        return taskId == null ? null : byTaskId.get(taskId);
    }

    RequestState outstanding(RequestIdentity id) {
        return requests.get(id);
    }

    FollowedTask follow(RequestState s, FollowedTask task, long now) {
        s.tasks.add(task);
        intentsOnly.remove(s);
        s.expiresAt = Long.MAX_VALUE;
        byTaskId.computeIfAbsent(task.taskId, k -> new ArrayList<>(1)).add(task);
        following.follow(task, now);
        return task;
    }

    void confirm(FollowedTask task, TrackingRecord callback, long now) {
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
            unindex(t);
        }
        retries.forget(s);
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

    private RequestState state(RequestIdentity id, TrackingOffset at, TrackingRecord r) {
        RequestState s = requests.computeIfAbsent(id, k -> new RequestState(k, at.partition()));
        s.hold(at, r);
        return s;
    }
}
