package io.ltx2.connect.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.api.ResponseParser;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Json;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * What one status answer (or error) of a followed task means for its request: an outcome to emit,
 * another poll, or a task failure. Pure: the same answer in the same state gives the same decision.
 */
final class OutcomeRules {

    /** How a request ends: the API's terminal status, or a failure the connector decided. */
    record Outcome(TaskStatus status, String failCode, String failMsg) {
        static Outcome of(TaskStatus status) {
            return new Outcome(status, null, null);
        }

        static Outcome failed(String failCode, String failMsg) {
            return new Outcome(null, failCode, failMsg);
        }
    }

    sealed interface Decision permits Emit, PollAgain, FailTask {
    }

    record Emit(Outcome outcome) implements Decision {
    }

    /**
     * Not decided yet; {@code malformedInARow} is the task's new count of unreadable answers,
     * {@code trouble} whether the call failed in a way worth a warning.
     */
    record PollAgain(int malformedInARow, String why, boolean trouble) implements Decision {
    }

    /** The connector cannot go on (a refused key): the source task fails with this. */
    record FailTask(ConnectException error) implements Decision {
    }

    private final long notFoundGraceMs;
    private final int malformedMax;
    private final long taskTimeoutMs;
    private final boolean confirmCallbacks;

    OutcomeRules(Duration notFoundGrace, int malformedMax, Duration taskTimeout, boolean confirmCallbacks) {
        this.notFoundGraceMs = notFoundGrace.toMillis();
        this.malformedMax = malformedMax;
        this.taskTimeoutMs = taskTimeout.toMillis();
        this.confirmCallbacks = confirmCallbacks;
    }

    /** A status answer; {@code finalPoll}: the call was made at or after the task's deadline. */
    Decision onStatus(FollowedTask task, TaskStatus status, boolean finalPoll) {
        if (status.state().isTerminal()) {
            return new Emit(Outcome.of(status));
        }
        return finalPoll ? timeout(task, "still " + status.rawState()) : new PollAgain(0, status.rawState(), false);
    }

    /** A status call that failed after the client's retries. */
    Decision onError(FollowedTask task, Throwable failure, boolean finalPoll, long now) {
        Throwable error = unwrap(failure);
        if (!(error instanceof LtxApiException e)) {
            return afterFailedCall(task, task.malformedInARow, finalPoll, "unexpected " + error);
        }
        switch (e.kind()) {
            case AUTH, TRANSPORT -> {
                return new FailTask(fatalFailure(e));
            }
            case NOT_FOUND -> {
                if (now - task.submitTime() >= notFoundGraceMs) {
                    return new Emit(Outcome.failed(TerminalEvent.NOT_FOUND, "The API does not know task " + task.taskId
                            + " (HTTP 404 for longer than " + notFoundGraceMs + " ms after submission)"));
                }
                return finalPoll ? timeout(task, "last status call failed: 404")
                        : new PollAgain(task.malformedInARow, "404 within the grace period", false);
            }
            case MALFORMED_RESPONSE, BAD_REQUEST -> {
                int malformed = task.malformedInARow + 1;
                if (malformed >= malformedMax) {
                    return new Emit(Outcome.failed(TerminalEvent.MALFORMED_RESPONSE,
                            malformed + " unreadable status answers in a row; last: " + e.getMessage()));
                }
                return afterFailedCall(task, malformed, finalPoll, "unreadable answer " + malformed + " of " + malformedMax
                        + " allowed: " + e.getMessage());
            }
            default -> {
                return afterFailedCall(task, task.malformedInARow, finalPoll, e.getMessage());
            }
        }
    }

    /**
     * The outcome a callback gives without a status call: only with {@code ltx.callback.confirm=false}
     * and a readable terminal body (the vendor signs nothing, so by default every callback is confirmed).
     */
    Optional<Outcome> trustedCallback(TrackingRecord callback) {
        if (confirmCallbacks || callback.callbackBody() == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(callback.callbackBody());
            JsonNode data = node.has("data") && node.get("data").isObject() ? node.get("data") : node;
            TaskStatus status = ResponseParser.status(data, 200);
            return status.state().isTerminal() ? Optional.of(Outcome.of(status)) : Optional.empty();
        } catch (Exception unreadable) {
            return Optional.empty(); // confirmed with a status call instead
        }
    }

    /**
     * The task's failure when the error means it cannot work at all: the API refused the key, or
     * the API cannot be reached as configured (TLS certificate, proxy credentials).
     */
    static Optional<ConnectException> fatalFailure(Throwable failure) {
        Throwable error = unwrap(failure);
        return error instanceof LtxApiException e && (e.kind() == ApiErrorKind.AUTH || e.kind() == ApiErrorKind.TRANSPORT)
                ? Optional.of(fatalFailure(e)) : Optional.empty();
    }

    private static ConnectException fatalFailure(LtxApiException e) {
        if (e.kind() == ApiErrorKind.TRANSPORT) {
            return new ConnectException("The API cannot be reached as configured; fix the setting named here and restart the task. "
                    + e.getMessage());
        }
        return new ConnectException("The API refused the status call (HTTP " + e.httpStatus() + "): check ltx.api.key. " + e.getMessage());
    }

    private Decision afterFailedCall(FollowedTask task, int malformed, boolean finalPoll, String why) {
        return finalPoll ? timeout(task, "last status call failed: " + why) : new PollAgain(malformed, why, true);
    }

    private Decision timeout(FollowedTask task, String detail) {
        return new Emit(Outcome.failed(TerminalEvent.TIMEOUT, "Task " + task.taskId + " unfinished " + taskTimeoutMs
                + " ms after submission (" + detail + ")"));
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
