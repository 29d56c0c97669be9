package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the end of a create means for its request: which outcome record is written (the record
 * counts the request's spend, see {@link OutcomeRecorder.Spend}; without one {@link CreateFlow} gives
 * the reservation back), and which failures fail the task. A create that ends after its partition was closed
 * is not recorded as rejected: its INTENT tells the next owner that it may exist. A refusal that
 * says the API cannot take work now (402, an outage that outlasted the retries, without any sign the
 * request was processed) rejects nothing: the request goes back to the head of the queue, and
 * {@link ApiAvailability} decides when a create is tried again. A create accepted
 * after its partition was closed is recorded all the same: the task exists, and its SUBMITTED record
 * is how the next owner (which waits for it, see {@link OrphanWatcher}) and the source learn of it;
 * that record completes nothing of a later delivery of the input record.
 */
final class CreateAnswers {
    private static final Logger log = LoggerFactory.getLogger(CreateAnswers.class);
    /** Nothing recorded, nothing billed: the reservation is given back. */
    private static final CompletableFuture<Boolean> RELEASE = CompletableFuture.completedFuture(true);
    /** Nothing to give back: an outcome record took the reservation, or the request may still be billed. */
    private static final CompletableFuture<Boolean> KEEP = CompletableFuture.completedFuture(false);

    /** How one request's create step ended, when it did not fail. */
    record Created(String taskId, boolean reused, long answeredNanos) {
    }

    /** The INTENT record could not be written: nothing was sent, and the tracking topic is broken. */
    static final class IntentNotWritten extends RuntimeException {
        IntentNotWritten(Throwable cause) {
            super(cause);
        }
    }

    private final CreateFlow flow;
    private final OutcomeRecorder outcomes;
    private final CreateSettings settings;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure;
    private final Function<Submission, CompletableFuture<Void>> withdraw;
    private final java.util.function.Consumer<Submission> awaitCallback;
    private final ApiAvailability availability;

    CreateAnswers(CreateFlow flow, OutcomeRecorder outcomes, CreateSettings settings, SinkTaskMetrics metrics,
                  TaskFailure failure, Function<Submission, CompletableFuture<Void>> withdraw,
                  java.util.function.Consumer<Submission> awaitCallback) {
        this.flow = flow;
        this.outcomes = outcomes;
        this.settings = settings;
        this.metrics = metrics;
        this.failure = failure;
        this.withdraw = withdraw;
        this.awaitCallback = awaitCallback;
        this.availability = settings.availability();
    }

    /**
     * Records the outcome; the future completes when it is durable (or nothing is to be recorded), with true when no outcome
     * record counts the request's spend and nothing may have been billed: its reservation is to be given back.
     */
    CompletableFuture<Boolean> settle(Submission s, Created created, Throwable error) {
        if (error == null && created.reused()) {
            return recorded(outcomes.reused(s, created.taskId())); // nothing new is billed
        }
        if (error == null) {
            availability.accepted(s);
            if (settings.guard() != null) {
                settings.guard().created(s.request(), created.taskId());
            }
            if (settings.running() != null) {
                settings.running().submitted(created.taskId());
            }
            return recorded(outcomes.submitted(s, created.taskId(), created.answeredNanos()));
        }
        if (error instanceof CancellationException) {
            log.debug("Create of {} withdrawn: partition {} closed", s, s.partition());
            return RELEASE; // never sent: not spent
        }
        if (error instanceof IntentNotWritten e) {
            failure.fail(new ConnectException("Could not write the INTENT record of " + s + " to the tracking topic"
                    + "; nothing was sent and its input offset will not be committed", TaskFailure.unwrap(e.getCause())));
            return RELEASE;
        }
        if (!flow.owned(s)) {
            // Closed or stopping while the create was out: its INTENT tells the next owner it may exist,
            // unless the failure proves it does not.
            boolean mayExist = !(error instanceof LtxApiException api) || api.mayHaveBeenProcessed();
            log.info("{}: create unfinished when its partition was closed ({}); left to the next owner{}", s, error.getMessage(),
                    mayExist ? ", which counts it as a possible charge" : "");
            if (!mayExist) {
                return flow.withdraw(s) ? withdraw.apply(s).thenApply(v -> true) : RELEASE;
            }
            return KEEP; // it may be billed: counted until the task restarts
        }
        return refused(s, error);
    }

    private static CompletableFuture<Boolean> recorded(CompletableFuture<Void> outcome) {
        return outcome.thenApply(v -> false);
    }

    private CompletableFuture<Boolean> refused(Submission s, Throwable error) {
        LtxApiException api = error instanceof LtxApiException e ? e : null;
        boolean mayExist = s.sent() && (api == null || api.mayHaveBeenProcessed());
        return api == null ? failedToSubmit(s, error, mayExist) : switch (api.kind()) {
            case AUTH, NOT_FOUND, TRANSPORT, UNEXPECTED_STATUS -> {
                failure.fail(new ConnectException(fatalMessage(api)));
                yield RELEASE;
            }
            case BAD_REQUEST, CONTENT_REFUSED -> recorded(outcomes.rejected(s.record(), s.ticket(), s.request().tracked(settings.requestType()),
                    BadRequestRecordException.refusedByApi(api.failCode(), "The API refused request '" + s.request().requestId() + "': "
                            + api.getMessage(), api.httpStatus(), api.refusal().detail(), api), s.unconfirmed(), s.takeReservation(),
                    s.trackingPartition()));
            case ACCOUNT -> keepForLater(s, api);
            case TRANSIENT -> !mayExist ? keepForLater(s, api) : settings.awaitsCallbacks() ? waitForCallback(s, api) : failedToSubmit(s, error, true);
            default -> failedToSubmit(s, error, mayExist);
        };
    }

    /**
     * Callback mode: the create may have made a task, which will call back naming the request: wait for that instead of a
     * second create (OrphanWatcher#awaitCallback; the reservation stays, the task may be billed).
     */
    private CompletableFuture<Boolean> waitForCallback(Submission s, LtxApiException api) {
        s.waitedForCallback();
        log.info("{}: no usable answer to create attempt {} ({}); waiting for its task's callback", s, s.current(), api.getMessage());
        awaitCallback.accept(s);
        return KEEP;
    }

    /** The API cannot take work now, and provably did not take this request: keep it, never reject it for that. */
    private CompletableFuture<Boolean> keepForLater(Submission s, LtxApiException api) {
        availability.unavailable(s, api.getMessage(), api.httpStatus());
        flow.requeue(s);
        return KEEP; // given back on the way back to the queue
    }

    /** No usable answer in the retries the request may use: rejected, naming every attempt that may have made a task. */
    private CompletableFuture<Boolean> failedToSubmit(Submission s, Throwable error, boolean mayExist) {
        if (mayExist) {
            metrics.unconfirmedAttempts.record(); // named on the record, which counts it as spent
        }
        return recorded(outcomes.submitFailed(s, error.getMessage() + (mayExist ? " (no usable answer: the API may have created the task)" : ""),
                error, mayExist ? s.unconfirmedWithCurrent() : s.unconfirmed()));
    }

    /** Why no create can succeed: the key, the address, or the connection's own settings (TLS, proxy). */
    private static String fatalMessage(LtxApiException api) {
        String notCommitted = "; no offsets were committed for unsubmitted requests.";
        return switch (api.kind()) {
            case AUTH -> "The APIXO API refused the connector's credentials: " + api.getMessage() + ". Fix ltx.api.key and restart the task"
                    + notCommitted;
            case TRANSPORT -> "The APIXO API cannot be reached as configured: " + api.getMessage() + ". Fix it and restart the task"
                    + notCommitted;
            case UNEXPECTED_STATUS -> "The API answered a create with HTTP " + api.httpStatus() + ", which the contract gives no meaning "
                    + "(a moved endpoint, or a proxy or gateway in the way?): " + api.getMessage() + ". Check ltx.api.url and restart the "
                    + "task; no request was rejected for it" + notCommitted;
            default -> "The API has no create endpoint at the configured address: " + api.getMessage() + ". Check ltx.api.url and ltx.model"
                    + notCommitted;
        };
    }
}
