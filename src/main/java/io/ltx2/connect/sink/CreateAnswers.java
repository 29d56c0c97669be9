package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the end of a create means for its request: which outcome record is written (the record
 * counts the request's spend, see {@link OutcomeRecorder.Spend}; without one the reservation is
 * given back), and which failures fail the task. A create that ends after its partition was closed
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

    /** How one request's create step ended, when it did not fail. */
    record Created(String taskId, boolean reused, long answeredNanos) {
    }

    /** The INTENT record could not be written: nothing was sent, and the tracking topic is broken. */
    static final class IntentNotWritten extends RuntimeException {
        IntentNotWritten(Throwable cause) {
            super(cause);
        }
    }

    private final Admission admission;
    private final OutcomeRecorder outcomes;
    private final CreateSettings settings;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure;
    private final Predicate<Submission> owned;
    private final Function<Submission, CompletableFuture<Void>> withdraw;
    private final ApiAvailability availability;

    CreateAnswers(Admission admission, OutcomeRecorder outcomes, CreateSettings settings, SinkTaskMetrics metrics,
                  TaskFailure failure, Predicate<Submission> owned, Function<Submission, CompletableFuture<Void>> withdraw) {
        this.admission = admission;
        this.outcomes = outcomes;
        this.settings = settings;
        this.metrics = metrics;
        this.failure = failure;
        this.owned = owned;
        this.withdraw = withdraw;
        this.availability = settings.availability();
    }

    /** Records the outcome; the future completes when it is durable (or nothing is to be recorded). */
    CompletableFuture<Void> settle(Submission s, Created created, Throwable error) {
        CompletableFuture<Void> recorded = record(s, created, error);
        availability.ended(s); // a probe that was neither accepted nor refused for unavailability lets the next one go
        return recorded;
    }

    private CompletableFuture<Void> record(Submission s, Created created, Throwable error) {
        if (error == null && created.reused()) {
            return outcomes.reused(s, created.taskId()); // nothing new is billed
        }
        if (error == null) {
            availability.accepted(s);
            if (settings.guard() != null) {
                settings.guard().created(s.request(), created.taskId());
            }
            if (settings.running() != null) {
                settings.running().submitted(created.taskId());
            }
            return outcomes.submitted(s, created.taskId(), created.answeredNanos());
        }
        if (error instanceof CancellationException) {
            log.debug("Create of {} withdrawn: partition {} closed", s, s.partition());
            admission.release(s); // never sent: not spent
            return CompletableFuture.completedFuture(null);
        }
        if (error instanceof IntentNotWritten e) {
            admission.release(s);
            failure.fail(new ConnectException("Could not write the INTENT record of " + s + " to the tracking topic"
                    + "; nothing was sent and its input offset will not be committed", TaskFailure.unwrap(e.getCause())));
            return CompletableFuture.completedFuture(null);
        }
        if (!owned.test(s)) {
            // Closed or stopping while the create was out: its INTENT tells the next owner it may exist,
            // unless the failure proves it does not.
            boolean mayExist = !(error instanceof LtxApiException api) || api.mayHaveBeenProcessed();
            log.info("{}: create unfinished when its partition was closed ({}); left to the next owner{}", s, error.getMessage(),
                    mayExist ? ", which counts it as a possible charge" : "");
            if (!mayExist) {
                admission.release(s);
                return withdraw.apply(s);
            }
            return CompletableFuture.completedFuture(null);
        }
        return refused(s, error);
    }

    private CompletableFuture<Void> refused(Submission s, Throwable error) {
        LtxApiException api = error instanceof LtxApiException e ? e : null;
        boolean mayExist = s.sent() && (api == null || api.mayHaveBeenProcessed());
        return api == null ? failedToSubmit(s, error, mayExist) : switch (api.kind()) {
            case AUTH, NOT_FOUND, TRANSPORT, UNEXPECTED_STATUS -> {
                admission.release(s);
                failure.fail(new ConnectException(fatalMessage(api)));
                yield CompletableFuture.completedFuture(null);
            }
            case BAD_REQUEST, CONTENT_REFUSED -> outcomes.rejected(s.record(), s.ticket(), s.request().tracked(settings.requestType()),
                    BadRequestRecordException.refusedByApi(api.failCode(), "The API refused request '" + s.request().requestId() + "': "
                            + api.getMessage(), api.httpStatus(), api.refusal().detail(), api), s.unconfirmed(), s.takeReservation(), s.trackingPartition());
            case ACCOUNT -> keepForLater(s, api);
            case TRANSIENT -> mayExist ? failedToSubmit(s, error, true) : keepForLater(s, api);
            default -> failedToSubmit(s, error, mayExist);
        };
    }

    /** The API cannot take work now, and provably did not take this request: keep it, never reject it for that. */
    private CompletableFuture<Void> keepForLater(Submission s, LtxApiException api) {
        availability.unavailable(s, api.getMessage(), api.httpStatus());
        admission.release(s);
        s.requeue();
        return CompletableFuture.completedFuture(null);
    }

    /** No usable answer in the retries the request may use: rejected, naming every attempt that may have made a task. */
    private CompletableFuture<Void> failedToSubmit(Submission s, Throwable error, boolean mayExist) {
        SinkRequest r = s.request();
        if (mayExist) {
            metrics.unconfirmedAttempts.record(); // named on the record, which counts it as spent
        }
        return outcomes.rejected(s.record(), s.ticket(), r.tracked(settings.requestType()), new BadRequestRecordException(
                FailCodes.SUBMIT_FAILED, "Could not submit request '" + r.requestId() + "': " + error.getMessage()
                + (mayExist ? " (no usable answer: the API may have created the task)" : ""), error),
                mayExist ? s.unconfirmedWithCurrent() : s.unconfirmed(), s.takeReservation(), s.trackingPartition());
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
