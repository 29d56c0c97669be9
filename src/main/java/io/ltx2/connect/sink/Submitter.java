package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Runs the creates: queues accepted requests, starts them as {@link Admission} allows, writes each
 * attempt's INTENT before it goes on the wire, and hands every answer to the
 * {@link OutcomeRecorder}. Called from the task thread ({@code put}, {@code close}, {@code stop})
 * and from the HTTP and producer threads (completions start the next creates).
 *
 * <p>A create belongs to the ownership period of its partition it was accepted in: once the
 * partition is closed (even if it comes back to this task), a create not yet on the wire is
 * withdrawn, because Connect hands the record out again; and a create that fails after that is
 * not recorded as rejected: its INTENT tells the next owner that it may exist.
 */
final class Submitter {
    private static final Logger log = LoggerFactory.getLogger(Submitter.class);

    /** How one request's create step ended, when it did not fail. */
    private record Created(String taskId, boolean reused, long answeredNanos) {
    }

    /** The INTENT record could not be written: nothing was sent, and the tracking topic is broken. */
    private static final class IntentNotWritten extends RuntimeException {
        IntentNotWritten(Throwable cause) {
            super(cause);
        }
    }

    private final LtxApiClient client;
    private final TrackingWriter tracking;
    private final Admission admission;
    private final OutcomeRecorder outcomes;
    private final CreateSettings settings;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure;
    private final LongSupplier clock;

    private final Object lock = new Object();
    /** Accepted and not started; guarded by {@link #lock}. */
    private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    /** Times each partition was closed; guarded by {@link #lock}. */
    private final Map<TopicPartition, Integer> closings = new HashMap<>();
    /** Creates started and not finished (their outcome durable). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Creates whose INTENT is out (the API may have them) and not finished: what a closing task waits for. */
    private final AtomicInteger sentInFlight = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * What every create of the task shares.
     *
     * @param callbackUrl the receiver's URL in callback mode (a secret: it holds the token), else null
     */
    record CreateSettings(String requestType, Password callbackUrl, int ambiguousRetries, DuplicateGuard guard, RunningTasks running) {
    }

    Submitter(LtxApiClient client, TrackingWriter tracking, Admission admission, OutcomeRecorder outcomes, CreateSettings settings,
              SinkTaskMetrics metrics, TaskFailure failure, LongSupplier clock) {
        this.client = client;
        this.tracking = tracking;
        this.admission = admission;
        this.outcomes = outcomes;
        this.settings = settings;
        this.metrics = metrics;
        this.failure = failure;
        this.clock = clock;
    }

    /** The current ownership period of a partition, for a request accepted now. */
    int ownership(TopicPartition tp) {
        synchronized (lock) {
            return closings.getOrDefault(tp, 0);
        }
    }

    void enqueue(Submission s) {
        synchronized (lock) {
            waiting.add(s);
        }
    }

    /** Starts creates while {@link Admission} allows; the rest wait, in order. */
    void startCreates() {
        List<Submission> starting = new ArrayList<>();
        synchronized (lock) {
            while (!waiting.isEmpty() && !failure.failed() && !stopping) {
                if (admission.admit(waiting.peek(), inFlight.get(), starting.size()) != Admission.Verdict.ADMIT) {
                    break;
                }
                starting.add(waiting.poll());
                inFlight.incrementAndGet();
            }
        }
        starting.forEach(this::create);
    }

    int inFlight() {
        return inFlight.get();
    }

    int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** Whether requests wait for admission: the input should pause. */
    boolean backlogged() {
        synchronized (lock) {
            return !waiting.isEmpty() || admission.pipelineFull(inFlight.get());
        }
    }

    /** Creates whose INTENT is out and that have not finished. */
    int sentInFlight() {
        return sentInFlight.get();
    }

    private void create(Submission s) {
        CompletableFuture<Created> call;
        try {
            call = settings.guard() == null ? newTask(s) : settings.guard().succeededEarlier(s.request())
                    .thenCompose(earlier -> earlier.isPresent()
                            ? CompletableFuture.completedFuture(new Created(earlier.get(), true, System.nanoTime())) : newTask(s));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((created, error) -> {
            try {
                settle(s, created, error == null ? null : TaskFailure.unwrap(error)).whenComplete((v, e) -> finished(s));
            } catch (RuntimeException e) {
                failure.fail(new ConnectException("Unexpected error handling the answer for " + s, e));
                finished(s);
            }
        });
    }

    private CompletableFuture<Created> newTask(Submission s) {
        SinkRequest r = s.request();
        Password url = settings.callbackUrl();
        CreateTaskRequest body = new CreateTaskRequest(settings.requestType(), url == null ? null : r.identity().appendTo(url.value()),
                r.provider(), r.input());
        return client.createTask(body, settings.ambiguousRetries(), previousMayExist -> beforeSend(s, previousMayExist))
                .thenApply(taskId -> new Created(taskId, false, System.nanoTime()));
    }

    /**
     * Right before an attempt goes on the wire: withdrawn if the partition moved on; otherwise, for
     * the first attempt and after every failure that may have created a task, a new attempt whose
     * INTENT must be durable before the create is sent.
     */
    private CompletionStage<Boolean> beforeSend(Submission s, boolean previousMayExist) {
        if (!owned(s)) {
            return CompletableFuture.completedFuture(false);
        }
        if (s.current() != null && !previousMayExist) {
            return CompletableFuture.completedFuture(true); // the last attempt provably created nothing
        }
        if (!s.sent()) {
            sentInFlight.incrementAndGet();
        } else {
            metrics.unconfirmedAttempts.record(); // the previous attempt may exist: its task would be a second charge
        }
        Attempt attempt = s.nextAttempt(clock.getAsLong());
        long started = System.nanoTime();
        return tracking.write(TrackingRecord.intent(s.request().tracked(settings.requestType()), attempt.number(), attempt.time()))
                .handle((metadata, error) -> {
                    if (error != null) {
                        throw new IntentNotWritten(error);
                    }
                    metrics.intentAckLatency.record((System.nanoTime() - started) / 1e6);
                    return owned(s);
                });
    }

    private CompletableFuture<Void> settle(Submission s, Created created, Throwable error) {
        if (error == null && created.reused()) {
            admission.release(s); // nothing new is billed
            return outcomes.reused(s, created.taskId());
        }
        if (error == null) {
            if (settings.guard() != null) {
                settings.guard().created(s.request(), created.taskId());
            }
            if (settings.running() != null) {
                settings.running().submitted(created.taskId());
            }
            admission.charge(s.request().seconds() * s.unconfirmed().size());
            return outcomes.submitted(s, created.taskId(), created.answeredNanos());
        }
        if (error instanceof CancellationException) {
            log.debug("Create of {} withdrawn: partition {} closed", s, s.partition());
            admission.release(s); // never sent: not spent
            return CompletableFuture.completedFuture(null);
        }
        if (error instanceof IntentNotWritten e) {
            admission.release(s);
            failure.fail(new ConnectException("Could not write the INTENT record of " + s + " to " + tracking.topic()
                    + "; nothing was sent and its input offset will not be committed", TaskFailure.unwrap(e.getCause())));
            return CompletableFuture.completedFuture(null);
        }
        if (!owned(s)) {
            // Closed or stopping while the create was out: its INTENT tells the next owner it may exist.
            log.info("{}: create unfinished when its partition was closed ({}); left to the next owner", s, error.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        return refused(s, error);
    }

    private CompletableFuture<Void> refused(Submission s, Throwable error) {
        LtxApiException api = error instanceof LtxApiException e ? e : null;
        SinkRequest r = s.request();
        if (api != null && (api.kind() == ApiErrorKind.AUTH || api.kind() == ApiErrorKind.NOT_FOUND)) {
            admission.release(s);
            failure.fail(new ConnectException(api.kind() == ApiErrorKind.AUTH
                    ? "The APIXO API refused the connector's credentials: " + api.getMessage()
                    + ". Fix ltx.api.key and restart the task; no offsets were committed for unsubmitted requests."
                    : "The API has no create endpoint at the configured address: " + api.getMessage()
                    + ". Check ltx.api.url and ltx.model; no offsets were committed for unsubmitted requests."));
            return CompletableFuture.completedFuture(null);
        }
        if (api != null && api.kind() == ApiErrorKind.BAD_REQUEST) {
            admission.release(s);
            return outcomes.rejected(s.record(), s.partition(), r.tracked(settings.requestType()), new BadRequestRecordException(
                    FailCodes.HTTP_400, "The API refused request '" + r.requestId() + "': " + api.getMessage(), api), s.unconfirmed());
        }
        boolean mayExist = s.sent() && (api == null || api.mayHaveBeenProcessed());
        if (mayExist) {
            metrics.unconfirmedAttempts.record(); // the reservation stays: it may be billed
        } else {
            admission.release(s);
        }
        return outcomes.rejected(s.record(), s.partition(), r.tracked(settings.requestType()), new BadRequestRecordException(
                FailCodes.SUBMIT_FAILED, "Could not submit request '" + r.requestId() + "': " + error.getMessage()
                + (mayExist ? " (no usable answer: the API may have created the task)" : ""), error),
                mayExist ? s.unconfirmedWithCurrent() : s.unconfirmed());
    }

    private boolean owned(Submission s) {
        synchronized (lock) {
            return !stopping && closings.getOrDefault(s.partition(), 0) == s.ownership();
        }
    }

    private void finished(Submission s) {
        if (s.sent()) {
            sentInFlight.decrementAndGet();
        }
        inFlight.decrementAndGet();
        startCreates();
    }

    /**
     * The partitions are closing: their creates not yet on the wire will be withdrawn, and the
     * queued ones are dropped (never sent: the next owner receives them again). Returns how many were dropped.
     */
    int close(Collection<TopicPartition> partitions) {
        int dropped = 0;
        synchronized (lock) {
            partitions.forEach(tp -> closings.merge(tp, 1, Integer::sum));
            for (Iterator<Submission> it = waiting.iterator(); it.hasNext(); ) {
                Submission s = it.next();
                if (partitions.contains(s.partition())) {
                    it.remove();
                    admission.release(s);
                    dropped++;
                }
            }
            if (waiting.isEmpty()) {
                admission.idle();
            }
        }
        return dropped;
    }

    /** The task stops: nothing new starts, and nothing that fails from now on is recorded as rejected. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            waiting.forEach(admission::release);
            waiting.clear();
        }
    }
}
