package io.ltx2.connect.sink;

import io.ltx2.connect.api.CreateGate;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingWriter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * What happens around each attempt of a create ({@link CreateGate}), as {@link CreateFlow} decides it:
 * an attempt's INTENT is durable before it goes on the wire, and an attempt withdrawn after its INTENT
 * (its partition was closed before it left) gets a WITHDRAWN record. Only the tracking writes are here.
 */
final class AttemptGate {
    private final CreateFlow flow;
    private final TrackingWriter tracking;
    private final String requestType;
    private final SinkTaskMetrics metrics;
    private final LongSupplier clock;

    AttemptGate(CreateFlow flow, TrackingWriter tracking, String requestType, SinkTaskMetrics metrics, LongSupplier clock) {
        this.flow = flow;
        this.tracking = tracking;
        this.requestType = requestType;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The gate of {@code s}'s create call. */
    CreateGate of(Submission s) {
        return new CreateGate() {
            @Override
            public CompletionStage<Boolean> beforeSend(boolean previousMayExist) {
                return AttemptGate.this.beforeSend(s, previousMayExist);
            }

            @Override
            public void retrying(boolean previousMayExist) {
                if (flow.retrying(s, previousMayExist)) {
                    withdrawn(s);
                }
            }
        };
    }

    private CompletionStage<Boolean> beforeSend(Submission s, boolean previousMayExist) {
        CreateFlow.Departure d = flow.beforeSend(s, previousMayExist, clock.getAsLong());
        return switch (d.send()) {
            case CANCEL -> CompletableFuture.completedFuture(false);
            case WITHDRAW -> withdrawn(s).thenApply(v -> false);
            case RESEND -> CompletableFuture.completedFuture(true); // the last try provably created nothing: its INTENT stands
            case ANNOUNCE -> announce(s, d.attempt(), d.afterPossibleTask());
        };
    }

    /** Writes the attempt's INTENT; the create goes out once it is durable, unless the partition was closed meanwhile. */
    private CompletionStage<Boolean> announce(Submission s, Attempt attempt, boolean afterPossibleTask) {
        if (afterPossibleTask) {
            metrics.unconfirmedAttempts.record(); // the previous attempt may exist: its task would be a second charge
        }
        long begun = System.nanoTime();
        return tracking.write(TrackingRecord.intent(s.request().tracked(requestType), attempt.number(), attempt.time()), null,
                        s.trackingPartition())
                .handle((metadata, error) -> {
                    if (error != null) {
                        flow.offWire(s);
                        throw new CreateAnswers.IntentNotWritten(error);
                    }
                    s.intentAt(metadata.partition(), metadata.offset());
                    metrics.intentAckLatency.record((System.nanoTime() - begun) / 1e6);
                    return metadata;
                }).thenCompose(durable -> flow.announced(s) ? CompletableFuture.completedFuture(true)
                        // Closed while the INTENT was being written: the attempt never leaves, and its WITHDRAWN record says so.
                        : withdrawn(s).thenApply(v -> false));
    }

    /** Writes that the current attempt never reached the API; completes when durable (a failed write only costs a false label). */
    CompletableFuture<Void> withdrawn(Submission s) {
        return tracking.write(TrackingRecord.withdrawn(s.request().tracked(requestType), s.current().number(), clock.getAsLong()), null,
                        s.trackingPartition())
                .handle((metadata, error) -> {
                    flow.withdrawalWritten(s);
                    return null;
                });
    }
}
