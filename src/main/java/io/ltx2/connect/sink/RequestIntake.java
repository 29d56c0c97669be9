package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingTopicScan;
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
 * records a dry run, holds it for adoption (callback mode, a create that may exist) or queues it
 * for the {@link Submitter}. Every record it does not skip is tracked in the {@link OffsetTracker}
 * until its outcome is durable. Task thread only.
 */
final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);

    private final RequestParser parser;
    private final PriorAttempts prior;
    /** Callback mode only, else null. */
    private final AdoptionWatcher adoption;
    private final Submitter submitter;
    private final OutcomeRecorder outcomes;
    private final OffsetTracker offsets;
    private final SinkTaskMetrics metrics;
    private final Policy policy;

    /** How the connector treats requests: its request type, whether it only dry-runs, whether bad records are skipped. */
    record Policy(String requestType, boolean dryRun, boolean toleratesErrors) {
    }

    RequestIntake(RequestParser parser, PriorAttempts prior, AdoptionWatcher adoption, Submitter submitter, OutcomeRecorder outcomes,
                  OffsetTracker offsets, SinkTaskMetrics metrics, Policy policy) {
        this.parser = parser;
        this.prior = prior;
        this.adoption = adoption;
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
    void accept(Collection<SinkRecord> batch) {
        prior.prepare(batch);
        for (SinkRecord record : batch) {
            accept(record);
        }
    }

    private void accept(SinkRecord record) {
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
            offsets.begin(tp, id.offset());
            TrackedRequest unreadable = new TrackedRequest(id, RequestParser.bestEffortRequestId(record), policy.requestType(), null, null,
                    Map.of());
            outcomes.rejected(record, tp, unreadable, new UnparseableRecordException("Record cannot be read as a request: " + e.getMessage(),
                    e), earlier.attempts());
            return;
        }
        offsets.begin(tp, id.offset());
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            outcomes.rejected(record, tp, request.tracked(policy.requestType()), new BadRequestRecordException(FailCodes.INVALID_REQUEST,
                    "Invalid request '" + request.requestId() + "': " + String.join("; ", problems)), earlier.attempts());
        } else if (policy.dryRun()) {
            outcomes.dryRun(tp, request);
        } else {
            queue(new Submission(record, tp, request, submitter.ownership(tp), earlier), earlier);
        }
    }

    private void queue(Submission s, PriorAttempts.Found earlier) {
        if (earlier.verdict() == PriorAttempts.Verdict.ORPHANED) {
            metrics.unconfirmedAttempts.record(earlier.attempts().size());
            if (adoption != null) {
                long lastIntent = earlier.attempts().stream().mapToLong(Attempt::time).max().orElse(0);
                TrackingTopicScan.Result scan = prior.lastScan();
                adoption.await(s, lastIntent, scan == null ? null : scan.ends());
                return;
            }
            log.warn("{}: an earlier owner's create (attempts {}) may exist without an answer; submitting it again, and its event will "
                    + "name the earlier attempts as possibly billed", s, earlier.attempts());
        }
        submitter.enqueue(s);
    }

    /** Resolves requests waiting for adoption: adopted ones are done, expired ones are submitted again. */
    void checkAdoptions(long now) {
        if (adoption == null) {
            return;
        }
        AdoptionWatcher.Decided d = adoption.poll(now);
        d.adopted().forEach(outcomes::adopted);
        for (Submission s : d.expired()) {
            log.warn("{}: no callback for its earlier create (attempts {}) in time; submitting it again", s, s.unconfirmed());
            submitter.enqueue(s);
        }
    }

    void assigned(Collection<TopicPartition> partitions) {
        prior.assigned(partitions);
    }

    void revoked(Collection<TopicPartition> partitions) {
        prior.revoked(partitions);
        if (adoption != null) {
            adoption.revoked(partitions);
        }
    }
}
