package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What {@code put} does with each record: looks its request up among the earlier owners' attempts
 * ({@link PriorAttempts}), reads and validates it, and then skips it (already handled), rejects it,
 * adopts the task an earlier owner's unanswered create made (its callback came), records a dry run,
 * holds it while an earlier owner's create may still be answered or adopted ({@link OrphanWatcher})
 * or queues it for the {@link Submitter}. Every record it does not skip is
 * tracked in the {@link OffsetTracker} until its outcome is durable. Task thread only.
 */
final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);

    private final RequestParser parser;
    private final PriorAttempts prior;
    private final OrphanWatcher orphans;
    private final Submitter submitter;
    private final OutcomeRecorder outcomes;
    private final OffsetTracker offsets;
    private final SinkTaskMetrics metrics;
    private final Policy policy;

    /**
     * How the connector treats requests: its request type, whether it only dry-runs, whether bad records are skipped, how many
     * new attempts may follow ambiguous creates.
     */
    record Policy(String requestType, boolean dryRun, boolean toleratesErrors, int ambiguousRetries) {
    }

    RequestIntake(RequestParser parser, PriorAttempts prior, OrphanWatcher orphans, Submitter submitter, OutcomeRecorder outcomes,
                  OffsetTracker offsets, SinkTaskMetrics metrics, Policy policy) {
        this.parser = parser;
        this.prior = prior;
        this.orphans = orphans;
        this.submitter = submitter;
        this.outcomes = outcomes;
        this.offsets = offsets;
        this.metrics = metrics;
        this.policy = policy;
    }

    /**
     * @throws org.apache.kafka.connect.errors.RetriableException when the earlier attempts cannot be read now (nothing was taken)
     * @throws DataException on an unreadable record when errors are not tolerated (the records before it were taken)
     */
    void accept(Collection<SinkRecord> batch, long now) {
        prior.prepare(batch);
        for (SinkRecord record : batch) {
            accept(record, now);
        }
    }

    private void accept(SinkRecord record, long now) {
        RequestIdentity id = parser.identity(record);
        TopicPartition tp = new TopicPartition(id.topic(), id.partition());
        PriorAttempts.Found earlier = prior.lookUp(id);
        if (earlier.verdict() == PriorAttempts.Verdict.HANDLED) {
            metrics.handledBefore.record();
            log.debug("Skipping {}: an earlier owner of the partition already submitted or rejected it", id);
            return;
        }
        SinkRequest request;
        try {
            request = parser.parse(record);
        } catch (UnparseableRecordException e) {
            if (!policy.toleratesErrors()) {
                throw new DataException("Record " + id.coordinates().asRequestId() + " is not a request: " + e.getMessage()
                        + " (set errors.tolerance=all, and a dead letter queue, to skip such records)", e);
            }
            OffsetTracker.Ticket ticket = offsets.begin(tp, id.offset());
            TrackedRequest unreadable = new TrackedRequest(id, RequestParser.bestEffortRequestId(record), policy.requestType(), null, null,
                    Map.of());
            outcomes.rejected(record, ticket, unreadable, new UnparseableRecordException("Record cannot be read as a request: " + e.getMessage(),
                    e), earlier.attempts(), null, earlier.trackingPartition());
            return;
        }
        OffsetTracker.Ticket ticket = offsets.begin(tp, id.offset());
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            outcomes.rejected(record, ticket, request.tracked(policy.requestType()), new BadRequestRecordException(FailCodes.INVALID_REQUEST,
                    "Invalid request '" + request.requestId() + "': " + String.join("; ", problems)), earlier.attempts(), null,
                    earlier.trackingPartition());
        } else if (earlier.verdict() == PriorAttempts.Verdict.ADOPT) {
            // An earlier owner's create made the task its callback names (in dry run too): record it, so the caps count it and
            // the source follows it; no create.
            outcomes.adopted(new Submission(record, tp, request, submitter.ownership(tp), ticket, earlier.history(), 0), earlier.taskId(),
                    earlier.attempts().stream().map(Attempt::number).max(Integer::compare).orElse(null), earlier.attempts());
        } else if (policy.dryRun()) {
            outcomes.dryRun(ticket, request);
        } else {
            queue(new Submission(record, tp, request, submitter.ownership(tp), ticket, earlier.history(), 0), earlier, now);
        }
    }

    private void queue(Submission s, PriorAttempts.Found earlier, long now) {
        if (earlier.verdict() == PriorAttempts.Verdict.ORPHANED) {
            metrics.unconfirmedAttempts.record(earlier.attempts().size());
            orphans.await(s, earlier, now);
            return;
        }
        submitter.enqueue(s);
    }

    /**
     * Resolves the requests waiting on earlier attempts: adopted ones and those an earlier answer settled are done, the
     * others are submitted (again), unless their ambiguous creates used up ltx.sink.create.ambiguous.retries.
     */
    void checkWaiting(long now) {
        submitter.takeAwaitingCallback().forEach(s -> orphans.awaitCallback(s, now));
        OrphanWatcher.Decided d = orphans.poll(now);
        d.adopted().forEach(a -> outcomes.adopted(a.submission(), a.taskId(), a.attempt(), a.open()));
        d.answered().forEach(outcomes::answeredEarlier);
        for (Submission s : d.resubmit()) {
            if (s.tooLate(now)) {
                log.info("{}: the source gives the failed event before a new attempt could be answered; none is made", s);
            } else if (s.ambiguousWaits() > policy.ambiguousRetries()) {
                outcomes.submitFailed(s, "no usable answer to create attempts " + s.unconfirmed() + " and no callback of their task in time "
                        + "(the API may have created it)", null, s.unconfirmed());
            } else {
                submitter.enqueue(s);
            }
        }
    }

    /** Requests waiting for their earlier creates' answers or callbacks. */
    int awaitingEarlier() {
        return orphans.waiting();
    }

    void assigned(Collection<TopicPartition> partitions) {
        prior.assigned(partitions);
    }

    void revoked(Collection<TopicPartition> partitions) {
        prior.revoked(partitions);
        orphans.revoked(partitions);
    }
}
