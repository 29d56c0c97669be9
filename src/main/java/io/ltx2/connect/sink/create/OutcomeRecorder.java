package io.ltx2.connect.sink.create;

import io.ltx2.connect.sink.cost.BudgetHistory;
import io.ltx2.connect.sink.cost.Spend;
import io.ltx2.connect.sink.cost.SpendBudget;
import io.ltx2.connect.sink.report.DeadLetterQueue;
import io.ltx2.connect.sink.report.OffsetTracker;
import io.ltx2.connect.sink.report.SinkTaskMetrics;
import io.ltx2.connect.sink.report.TaskFailure;
import io.ltx2.connect.sink.request.BadRequestRecordException;
import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.tracking.FailCodes;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes each request's outcome durable on the tracking topic (and in the DLQ for a rejection), and
 * only then lets its input offset be committed. Every method returns a future that completes once
 * the outcome is durable, so a caller counts a request finished no earlier than that; a write
 * that fails fails the task, and the offset stays uncommitted. Only the delivery that wrote the
 * outcome completes its input record ({@link OffsetTracker.Ticket}).
 *
 * <p>Each record's possible charges ({@link BudgetHistory#billable}) are counted here, once, by
 * {@link Spend}: what a restart reads back from the record is what the live caps held.
 */
public final class OutcomeRecorder {
    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final TrackingWriter tracking;
    private final String requestType;
    private final Headers tags;
    private final OffsetTracker offsets;
    private final DeadLetterQueue dlq;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure;
    private final Spend spend;

    public OutcomeRecorder(TrackingWriter tracking, String requestType, Headers tags, OffsetTracker offsets, DeadLetterQueue dlq,
                    SinkTaskMetrics metrics, TaskFailure failure, Spend spend) {
        this.tracking = tracking;
        this.requestType = requestType;
        this.tags = tags;
        this.offsets = offsets;
        this.dlq = dlq;
        this.metrics = metrics;
        this.failure = failure;
        this.spend = spend;
    }

    /** The API accepted the current attempt as {@code taskId}; {@code answeredNanos} is when its answer arrived. */
    CompletableFuture<Void> submitted(Submission s, String taskId, long answeredNanos) {
        SinkRequest r = s.request();
        long time = spend.record(s.takeReservation(), BudgetHistory.billable(TrackingRecordType.SUBMITTED, r.input(), s.unconfirmed().size(), false));
        TrackingRecord record = TrackingRecord.submitted(r.tracked(requestType), taskId, s.current().number(), s.unconfirmed(), time);
        return durable(tracking.write(record, tags, s.trackingPartition()), s.ticket(), r, "SUBMITTED record (task " + taskId + ")").thenRun(() -> {
            metrics.submitAckLatency.record((System.nanoTime() - answeredNanos) / 1e6);
            metrics.submitted.record();
            metrics.videoSeconds.record(r.seconds());
        });
    }

    /** The duplicate guard served the request with the result of {@code earlierTaskId}. */
    CompletableFuture<Void> reused(Submission s, String earlierTaskId) {
        SinkRequest r = s.request();
        TrackingRecord record = TrackingRecord.reused(r.tracked(requestType), earlierTaskId, spend.record(s.takeReservation(), 0));
        return durable(tracking.write(record, tags, s.trackingPartition()), s.ticket(), r, "tracking record reusing task " + earlierTaskId)
                .thenRun(metrics.reused::record);
    }

    /**
     * A request that will not be (or was not) submitted; {@code earlier} names attempts whose create may exist,
     * {@code reservation} what was reserved for it (null: nothing), {@code trackingPartition} where its earlier records are (null: none).
     */
    public CompletableFuture<Void> rejected(SinkRecord record, OffsetTracker.Ticket ticket, TrackedRequest request, BadRequestRecordException reason,
                                     List<Attempt> earlier, SpendBudget.Reservation reservation, Integer trackingPartition) {
        metrics.rejected.record();
        log.warn("Rejected request '{}' ({}), {}: {}", request.requestId(), request.identity(), reason.failCode(), reason.getMessage());
        long time = spend.record(reservation, BudgetHistory.billable(TrackingRecordType.REJECTED, request.input(), earlier.size(), false));
        CompletableFuture<?> written = tracking.write(TrackingRecord.refused(request, reason.failCode(), reason.getMessage(), reason.httpStatus(),
                reason.detail(), earlier, time), tags, trackingPartition);
        CompletableFuture<Void> reported = record == null ? CompletableFuture.completedFuture(null) : dlq.report(record, reason);
        return durable(CompletableFuture.allOf(written, reported), ticket, request.requestId(), "rejection");
    }

    /** Dry run: a valid request is recorded as what would be sent, with failCode DRY_RUN, and never sent. */
    public CompletableFuture<Void> dryRun(OffsetTracker.Ticket ticket, SinkRequest request) {
        metrics.dryRun.record();
        String message = "Dry run (ltx.sink.dry.run=true): request '" + request.requestId() + "' is valid and would be submitted as a "
                + requestType + " task with provider " + request.provider() + ", " + request.seconds() + " s of video";
        TrackingRecord record = TrackingRecord.rejected(request.tracked(requestType), FailCodes.DRY_RUN, message, List.of(), spend.record(null, 0));
        return durable(tracking.write(record), ticket, request.requestId(), "DRY_RUN record");
    }

    /**
     * The task of an unanswered create ({@code taskId}, named by its callback) was adopted: no second
     * create. The SUBMITTED record written for it (marked adopted) counts its spend like any other,
     * and lets the source follow the task even if it had let the request's INTENTs go. {@code adopted}
     * is the attempt that made the task (the newest open one; null when none was open: the scan found the
     * callback, but its INTENTs withdrawn or not at all), {@code open} every attempt that may exist.
     */
    public CompletableFuture<Void> adopted(Submission s, String taskId, Integer adopted, List<Attempt> open) {
        SinkRequest r = s.request();
        List<Attempt> others = open.stream().filter(a -> !Integer.valueOf(a.number()).equals(adopted)).toList();
        long time = spend.record(s.takeReservation(), BudgetHistory.billable(TrackingRecordType.SUBMITTED, r.input(), others.size(), false));
        TrackingRecord record = TrackingRecord.adopted(r.tracked(requestType), taskId, adopted, others, time);
        return durable(tracking.write(record, tags, s.trackingPartition()), s.ticket(), r, "SUBMITTED record of adopted task " + taskId).thenRun(() -> {
            metrics.adopted.record();
            log.info("{} adopted its earlier task {} through the task's callback: not submitted again", s, taskId);
        });
    }

    /** No create got a usable answer: rejected with SUBMIT_FAILED, naming {@code mayExist}, the attempts that may have made a task. */
    public CompletableFuture<Void> submitFailed(Submission s, String why, Throwable cause, List<Attempt> mayExist) {
        SinkRequest r = s.request();
        return rejected(s.record(), s.ticket(), r.tracked(requestType), new BadRequestRecordException(FailCodes.SUBMIT_FAILED,
                "Could not submit request '" + r.requestId() + "': " + why, cause), mayExist, s.takeReservation(), s.trackingPartition());
    }

    /** An earlier create of the request was answered after all (its SUBMITTED or REJECTED record came): nothing to do. */
    public void answeredEarlier(Submission s) {
        s.takeReservation();
        if (s.ticket() != null) {
            offsets.complete(s.ticket());
        }
        metrics.handledBefore.record();
        log.info("{}: the earlier owner's create was answered after all; not submitted again", s);
    }

    private CompletableFuture<Void> durable(CompletableFuture<?> write, OffsetTracker.Ticket ticket, SinkRequest r, String what) {
        return durable(write, ticket, r.requestId(), what);
    }

    private CompletableFuture<Void> durable(CompletableFuture<?> write, OffsetTracker.Ticket ticket, String requestId, String what) {
        if (ticket != null) {
            offsets.writing(ticket);
        }
        return write.handle((ok, error) -> {
            if (error != null) {
                failure.fail(new ConnectException("Could not write the " + what + " of request '" + requestId + "' to " + tracking.topic()
                        + "; its input offset will not be committed", TaskFailure.unwrap(error)));
                throw new ConnectException("not durable", error);
            }
            if (ticket != null) {
                offsets.complete(ticket);
            }
            return null;
        });
    }
}
