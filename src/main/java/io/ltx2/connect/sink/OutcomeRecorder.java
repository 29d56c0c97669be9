package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

/**
 * Makes each request's outcome durable on the tracking topic (and in the DLQ for a rejection), and
 * only then lets its input offset be committed. Every method returns a future that completes once
 * the outcome is durable, so a caller counts a request finished no earlier than that; a write
 * that fails fails the task, and the offset stays uncommitted.
 */
final class OutcomeRecorder {
    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final TrackingWriter tracking;
    private final String requestType;
    private final Headers tags;
    private final OffsetTracker offsets;
    private final DeadLetterQueue dlq;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure;
    /** The time of a record carrying that many billable seconds (the spend ledger counts them; see {@link SpendLedger#stamp}). */
    private final LongUnaryOperator stamp;

    OutcomeRecorder(TrackingWriter tracking, String requestType, Headers tags, OffsetTracker offsets, DeadLetterQueue dlq,
                    SinkTaskMetrics metrics, TaskFailure failure, LongUnaryOperator stamp) {
        this.tracking = tracking;
        this.requestType = requestType;
        this.tags = tags;
        this.offsets = offsets;
        this.dlq = dlq;
        this.metrics = metrics;
        this.failure = failure;
        this.stamp = stamp;
    }

    /** The API accepted the current attempt as {@code taskId}; {@code answeredNanos} is when its answer arrived. */
    CompletableFuture<Void> submitted(Submission s, String taskId, long answeredNanos) {
        SinkRequest r = s.request();
        long time = stamp.applyAsLong(BudgetHistory.billable(TrackingRecordType.SUBMITTED, r.input(), s.unconfirmed().size(), false));
        TrackingRecord record = TrackingRecord.submitted(r.tracked(requestType), taskId, s.current().number(), s.unconfirmed(), time);
        return durable(tracking.write(record, tags), s.partition(), r, "SUBMITTED record (task " + taskId + ")").thenRun(() -> {
            metrics.submitAckLatency.record((System.nanoTime() - answeredNanos) / 1e6);
            metrics.submitted.record();
            metrics.videoSeconds.record(r.seconds());
        });
    }

    /** The duplicate guard served the request with the result of {@code earlierTaskId}. */
    CompletableFuture<Void> reused(Submission s, String earlierTaskId) {
        SinkRequest r = s.request();
        TrackingRecord record = TrackingRecord.reused(r.tracked(requestType), earlierTaskId, stamp.applyAsLong(0));
        return durable(tracking.write(record, tags), s.partition(), r, "tracking record reusing task " + earlierTaskId)
                .thenRun(metrics.reused::record);
    }

    /** A request that will not be (or was not) submitted; {@code earlier} names attempts whose create may exist. */
    CompletableFuture<Void> rejected(SinkRecord record, TopicPartition tp, TrackedRequest request, BadRequestRecordException reason,
                                     List<Attempt> earlier) {
        metrics.rejected.record();
        log.warn("Rejected request '{}' ({}), {}: {}", request.requestId(), request.identity(), reason.failCode(), reason.getMessage());
        long time = stamp.applyAsLong(BudgetHistory.billable(TrackingRecordType.REJECTED, request.input(), earlier.size(), false));
        CompletableFuture<?> written = tracking.write(TrackingRecord.rejected(request, reason.failCode(), reason.getMessage(), earlier, time), tags);
        CompletableFuture<Void> reported = dlq.report(record, reason);
        return durable(CompletableFuture.allOf(written, reported), tp, request.identity().offset(), request.requestId(), "rejection");
    }

    /** Dry run: a valid request is recorded as what would be sent, with failCode DRY_RUN, and never sent. */
    CompletableFuture<Void> dryRun(TopicPartition tp, SinkRequest request) {
        metrics.dryRun.record();
        String message = "Dry run (ltx.sink.dry.run=true): request '" + request.requestId() + "' is valid and would be submitted as a "
                + requestType + " task with provider " + request.provider() + ", " + request.seconds() + " s of video";
        TrackingRecord record = TrackingRecord.rejected(request.tracked(requestType), FailCodes.DRY_RUN, message, List.of(), stamp.applyAsLong(0));
        return durable(tracking.write(record), tp, request, "DRY_RUN record");
    }

    /** The task of an unanswered create was adopted through its callback: the source emits its event. */
    void adopted(Submission s) {
        metrics.adopted.record();
        offsets.complete(s.partition(), s.request().identity().offset());
        log.info("{} adopted its earlier task through the task's callback: not submitted again", s);
    }

    private CompletableFuture<Void> durable(CompletableFuture<?> write, TopicPartition tp, SinkRequest r, String what) {
        return durable(write, tp, r.identity().offset(), r.requestId(), what);
    }

    private CompletableFuture<Void> durable(CompletableFuture<?> write, TopicPartition tp, long offset, String requestId, String what) {
        return write.handle((ok, error) -> {
            if (error != null) {
                failure.fail(new ConnectException("Could not write the " + what + " of request '" + requestId + "' to " + tracking.topic()
                        + "; its input offset will not be committed", TaskFailure.unwrap(error)));
                throw new ConnectException("not durable", error);
            }
            offsets.complete(tp, offset);
            return null;
        });
    }
}
