package io.ltx2.connect.sink.earlier;

import io.ltx2.connect.sink.cost.RunningTasks;
import io.ltx2.connect.sink.create.ApiAvailability;
import io.ltx2.connect.sink.create.Submission;
import io.ltx2.connect.sink.create.Submitter;
import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns the source's RETRY records ({@link RetryRequests}) into new attempts of their requests, for
 * the requests whose input partition this task owns. A RETRY of a request this task is already at
 * (queued, on the wire, or waiting on an earlier attempt) is that work's to answer: the source asks
 * again when it sees no new attempt, which must not become a second one. Otherwise the new attempt
 * first waits until the request's records up to the RETRY were read ({@link OrphanWatcher#awaitRetry}):
 * an earlier owner may have made it already, answered or not (a crash right after it went out), and
 * the request's {@code RequestLifecycle} then decides (nothing, wait, adopt, or create). Its records go
 * to the RETRY's partition, beside the request's others. No create starts so late that its answer could
 * follow the failed event the source gives at the RETRY's deadline. A RETRY whose fail code says the API
 * cannot do the work now makes the API unavailable for a while ({@link ApiAvailability#unavailableByFailCode}).
 * Task thread only.
 */
public final class RetryIntake {
    private static final Logger log = LoggerFactory.getLogger(RetryIntake.class);

    private final RetryRequests requests;
    private final Submitter submitter;
    private final OrphanWatcher orphans;
    private final ApiAvailability availability;
    /** Null when the concurrency cap is off. */
    private final RunningTasks running;
    private final Supplier<Set<TopicPartition>> assignment;
    /** Whether this task is at the request already (queued, on the wire, waiting). */
    private final Predicate<RequestIdentity> active;
    /** How long before the source's deadline a new attempt's create may still start: its answer must be durable, and read, by then. */
    private final long margin;

    public RetryIntake(RetryRequests requests, Submitter submitter, OrphanWatcher orphans, ApiAvailability availability, RunningTasks running,
                Supplier<Set<TopicPartition>> assignment, Duration answerBound) {
        this.requests = requests;
        this.submitter = submitter;
        this.orphans = orphans;
        this.availability = availability;
        this.running = running;
        this.assignment = assignment;
        this.active = id -> submitter.holds(id) || orphans.holds(id);
        this.margin = 2 * answerBound.toMillis();
    }

    /** Takes up the new attempts the source asked for since the last call; returns how many. */
    public int accept(long now) {
        List<RetryRequests.Asked> asked = requests.poll();
        int taken = 0;
        for (RetryRequests.Asked a : asked) {
            TrackingRecord r = a.record();
            RequestIdentity id = r.identity();
            TopicPartition tp = new TopicPartition(id.topic(), id.partition());
            if (running != null && r.taskId() != null) {
                running.ended(r.taskId()); // it failed: it runs no more, whoever makes the new attempt
            }
            if (!assignment.get().contains(tp) || active.test(id)) {
                continue; // another task's request, or this task's work in progress answers it
            }
            if (r.isUnavailable()) {
                availability.unavailableByFailCode(r.failCode(), r.time());
            }
            SinkRequest request = new SinkRequest(id, r.requestId() != null ? r.requestId() : id.coordinates().asRequestId(), r.provider(),
                    r.input(), r.headers());
            RequestLifecycle history = new RequestLifecycle(false);
            history.fold(r, a.partition()); // the RETRY: the new attempt's records go beside it
            Submission s = new Submission(null, tp, request, submitter.ownership(tp), null, history, r.attempt());
            if (r.retryUntil() != null) {
                s.createBy(r.retryUntil() - margin);
            }
            orphans.awaitRetry(s, a.partition(), a.offset(), r.time(), now);
            taken++;
            log.info("Request '{}' ({}): task {} of attempt {} failed with {}; a new attempt once its records up to the RETRY are read",
                    request.requestId(), id, r.taskId(), r.attempt(), r.failCode());
        }
        return taken;
    }
}
