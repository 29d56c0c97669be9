package io.ltx2.connect.sink;

import io.ltx2.connect.api.CreateGate;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingWriter;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What happens around each attempt of a create ({@link CreateGate}): its INTENT is durable before
 * it goes on the wire, it is withdrawn (WITHDRAWN record) when its partition was closed before it
 * left, and it is counted while on the wire: what a closing task waits for ({@link #awaited}). An
 * attempt that waits for its retry is not on the wire. Shares the {@link Submitter}'s lock, under
 * which ownership changes.
 */
final class AttemptGate {
    private final Object lock;
    private final Predicate<Submission> owned;
    private final TrackingWriter tracking;
    private final String requestType;
    private final SinkTaskMetrics metrics;
    private final LongSupplier clock;
    /** Attempts on the wire (or whose INTENT is being written) and WITHDRAWN records being written, by input partition. */
    private final Map<TopicPartition, AtomicInteger> awaited = new ConcurrentHashMap<>();

    AttemptGate(Object lock, Predicate<Submission> owned, TrackingWriter tracking, String requestType, SinkTaskMetrics metrics,
                LongSupplier clock) {
        this.lock = lock;
        this.owned = owned;
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
                AttemptGate.this.retrying(s, previousMayExist);
            }
        };
    }

    /** Attempts that may be on the wire, and WITHDRAWN records being written. */
    int awaited() {
        return awaited.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** As {@link #awaited()}, of the requests of {@code partitions}. */
    int awaited(Collection<TopicPartition> partitions) {
        return partitions.stream().map(awaited::get).filter(Objects::nonNull).mapToInt(AtomicInteger::get).sum();
    }

    private AtomicInteger count(Submission s) {
        return awaited.computeIfAbsent(s.partition(), tp -> new AtomicInteger());
    }

    /**
     * Right before an attempt goes on the wire: withdrawn if the partition moved on; otherwise, for
     * the first attempt and after every failure that may have created a task, a new attempt whose
     * INTENT must be durable before the create is sent. The ownership check and the count that
     * closing waits for change together, under the lock, and ownership is checked again once the
     * INTENT is durable: a partition closed meanwhile never sees that attempt sent.
     */
    private CompletionStage<Boolean> beforeSend(Submission s, boolean previousMayExist) {
        Attempt attempt;
        synchronized (lock) {
            if (!owned.test(s) || s.tooLate(clock.getAsLong())) {
                // Withdrawn. An attempt whose INTENT is out but that provably created nothing says so, or the
                // next owner would count it as a possible charge (and wait for it).
                return !previousMayExist && s.markWithdrawn() ? withdrawn(s).thenApply(v -> false) : CompletableFuture.completedFuture(false);
            }
            Attempt again = s.current() != null && !previousMayExist ? s.restampIfQueued(clock.getAsLong()) : null;
            if (s.current() != null && !previousMayExist && again == null) {
                goingOut(s);
                return CompletableFuture.completedFuture(true); // the last attempt provably created nothing: its INTENT stands
            }
            if (again == null && s.sent()) {
                metrics.unconfirmedAttempts.record(); // the previous attempt may exist: its task would be a second charge
            }
            attempt = again != null ? again : s.nextAttempt(clock.getAsLong());
            goingOut(s);
        }
        long begun = System.nanoTime();
        return tracking.write(TrackingRecord.intent(s.request().tracked(requestType), attempt.number(), attempt.time()), null,
                        s.trackingPartition())
                .handle((metadata, error) -> {
                    if (error != null) {
                        offWire(s);
                        throw new CreateAnswers.IntentNotWritten(error);
                    }
                    s.intentAt(metadata.partition(), metadata.offset());
                    metrics.intentAckLatency.record((System.nanoTime() - begun) / 1e6);
                    return metadata;
                }).thenCompose(durable -> {
                    synchronized (lock) {
                        if (owned.test(s)) {
                            return CompletableFuture.completedFuture(true); // durable and still ours: the create goes out
                        }
                        s.markWithdrawn();
                    }
                    // Closed while the INTENT was being written: the attempt never leaves, and its WITHDRAWN record says so.
                    return withdrawn(s).thenApply(v -> {
                        offWire(s);
                        return false;
                    });
                });
    }

    /** The current attempt of {@code s} is about to go on the wire; guarded by the lock. */
    private void goingOut(Submission s) {
        if (!s.onWire()) {
            s.sending();
            count(s).incrementAndGet();
        }
    }

    /** The current attempt of {@code s} is off the wire (it was answered, or failed). */
    void offWire(Submission s) {
        if (s.onWire()) {
            s.ended();
            count(s).decrementAndGet();
        }
    }

    /**
     * The client will try the current attempt again after a failure. When its partition was closed
     * meanwhile and the failure proves nothing was created, the WITHDRAWN record is written now,
     * not when the retry's timer fires (which may be long after the next owner read the topic).
     */
    private void retrying(Submission s, boolean previousMayExist) {
        boolean withdraw;
        synchronized (lock) {
            boolean wasOnWire = s.onWire();
            s.retrying(previousMayExist);
            if (wasOnWire) {
                count(s).decrementAndGet();
            }
            withdraw = !owned.test(s) && s.withdrawable() && s.markWithdrawn();
        }
        if (withdraw) {
            withdrawn(s);
        }
    }

    /** Writes that the current attempt never reached the API; completes when durable (a failed write only costs a false label). */
    CompletableFuture<Void> withdrawn(Submission s) {
        count(s).incrementAndGet();
        return tracking.write(TrackingRecord.withdrawn(s.request().tracked(requestType), s.current().number(), clock.getAsLong()), null,
                        s.trackingPartition())
                .handle((metadata, error) -> {
                    count(s).decrementAndGet();
                    return null;
                });
    }

}
