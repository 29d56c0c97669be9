package io.ltx2.connect.source;

import io.ltx2.connect.source.OutcomeRules.Decision;
import io.ltx2.connect.source.OutcomeRules.Emit;
import io.ltx2.connect.source.OutcomeRules.FailTask;
import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.source.OutcomeRules.PollAgain;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Follows tasks' statuses for the {@link RequestRegistry}: the {@link PollPlanner} says when, the
 * {@link StatusPoller} calls, the {@link OutcomeRules} read the answers; outcomes go back to the
 * registry.
 */
final class TaskFollower implements RequestRegistry.Following {
    private static final Logger log = LoggerFactory.getLogger(TaskFollower.class);

    /** A task id that cannot exist: one status call for it at start fails a refused key at once (404 is the good answer). */
    static final String KEY_CHECK_TASK_ID = "ltx2-kafka-connect-key-check";

    private final PollPlanner planner;
    private final StatusPoller poller;
    private final OutcomeRules rules;
    /** Set from the HTTP client's thread by the key check; thrown on the task thread. */
    private volatile ConnectException fatal;

    TaskFollower(PollPlanner planner, StatusPoller poller, OutcomeRules rules) {
        this.planner = Objects.requireNonNull(planner, "planner");
        this.poller = Objects.requireNonNull(poller, "poller");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** Checks the API key with one status call now, rather than at the first real poll (which may be much later). */
    void checkApiKey() {
        poller.call(KEY_CHECK_TASK_ID).whenComplete((status, error) -> {
            if (error != null) {
                OutcomeRules.fatalFailure(error).ifPresent(e -> fatal = e);
            }
        });
    }

    @Override
    public void follow(FollowedTask task, long now) {
        task.deadline = planner.deadline(task.submitTime());
        poller.schedule(task, planner.firstPoll(task, now));
    }

    @Override
    public Optional<Outcome> confirm(FollowedTask task, TrackingRecord callback, long now) {
        Optional<Outcome> trusted = callback == null ? Optional.empty() : rules.trustedCallback(callback);
        if (trusted.isEmpty()) {
            planner.confirmNow(task, now).ifPresent(at -> poller.scheduleUrgent(task, at));
        }
        return trusted;
    }

    @Override
    public void unfollow(FollowedTask task) {
        poller.cancel(task);
    }

    /**
     * Handles the status answers that arrived, then sends the calls now due.
     *
     * @param outcomes gets each task whose request is decided
     * @return how many answers were handled
     * @throws ConnectException when an answer means the task cannot go on (the API refused the key)
     */
    int followUp(long now, BiConsumer<FollowedTask, Outcome> outcomes) {
        if (fatal != null) {
            throw fatal;
        }
        int n = 0;
        for (StatusPoller.Answer a : poller.drain()) {
            n++;
            FollowedTask task = a.task();
            if (task.done) {
                continue;
            }
            boolean last = planner.wasFinalPoll(task);
            Decision d = a.error() == null ? rules.onStatus(task, a.status(), last) : rules.onError(task, a.error(), last, now);
            if (d instanceof Emit emit) {
                if (emit.outcome().status() != null) {
                    planner.observe(task, emit.outcome().status());
                }
                outcomes.accept(task, emit.outcome());
            } else if (d instanceof PollAgain again) {
                task.malformedInARow = again.malformedInARow();
                if (again.trouble()) {
                    log.warn("{}: status call failed ({}); will call again", task, again.why());
                } else {
                    log.debug("{}: {}", task, again.why());
                }
                boolean confirming = task.confirmPending;
                long next = planner.nextPoll(task, now);
                if (confirming) {
                    poller.scheduleUrgent(task, next);
                } else {
                    poller.schedule(task, next);
                }
            } else if (d instanceof FailTask fail) {
                throw fail.error();
            }
        }
        poller.dispatchDue(now);
        return n;
    }

    /** How long the task thread may wait for tracking records. */
    long waitMillis(long now) {
        return poller.waitMillis(now);
    }

    int callsInFlight() {
        return poller.inFlight();
    }
}
