package io.ltx2.connect.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ltx2.connect.api.GenerationInput;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of the simulator's counters, taken under the simulator's lock
 * ({@link ApiSimulator#stats()}, {@code GET /_sim/stats}).
 *
 * @param createCalls          create calls received (any outcome)
 * @param statusCalls          status calls received (any outcome)
 * @param tasksCreated         tasks created = creates accepted (including those whose answer was lost)
 * @param distinctPayloads     distinct accepted payloads (request_type, provider, input as canonical JSON)
 * @param duplicateSubmissions accepted creates whose payload had been accepted before
 * @param badRequests          400 answers
 * @param authFailures         401 and 403 answers
 * @param notFound             404 answers
 * @param rateLimited          429 answers (limits and storms)
 * @param injectedErrors       5xx answers injected by faults
 * @param hangs                calls hung by faults
 * @param lostCreateResponses  accepted creates whose answer was lost by a fault
 * @param malformedAnswers     status answers malformed by a fault
 * @param currentConcurrent    tasks pending or processing now
 * @param peakConcurrent       most tasks pending or processing at once
 * @param peakCallsInWindow    most API calls received in any rate window (60 s by default, 1 % resolution)
 * @param callbacksSent        callback POST attempts
 * @param callbacksDelivered   attempts answered with 2xx
 * @param callbacksFailed      attempts that failed (non-2xx, time-out, I/O)
 * @param callbacksAbandoned   callbacks given up after all retries
 * @param callbacksLost        callbacks never sent, by a fault
 * @param callbacksDuplicated  callbacks delivered a second time, by a fault
 * @param tasks                per task, by task id
 * @param balanceCalls         {@code GET /apikeys/current-balance} calls received (any outcome)
 * @param insufficientBalance  creates answered 402 because the balance was short of their duration
 * @param forbiddenContent     creates answered 403 because their content violates the policy
 * @param balanceSeconds       seconds of video the balance has left, or null when it is unlimited
 * @param outageErrors         calls answered by an outage fault
 */
public record SimulatorStats(
        long createCalls,
        long statusCalls,
        long tasksCreated,
        long distinctPayloads,
        long duplicateSubmissions,
        long badRequests,
        long authFailures,
        long notFound,
        long rateLimited,
        long injectedErrors,
        long hangs,
        long lostCreateResponses,
        long malformedAnswers,
        long currentConcurrent,
        long peakConcurrent,
        long peakCallsInWindow,
        long callbacksSent,
        long callbacksDelivered,
        long callbacksFailed,
        long callbacksAbandoned,
        long callbacksLost,
        long callbacksDuplicated,
        Map<String, TaskStats> tasks,
        long balanceCalls,
        long insufficientBalance,
        long forbiddenContent,
        Long balanceSeconds,
        long outageErrors) {

    public SimulatorStats {
        tasks = Map.copyOf(tasks);
    }

    /** Creates accepted; the same as {@link #tasksCreated()}, named as the brief of a benchmark would. */
    @JsonProperty("createsAccepted")
    public long createsAccepted() {
        return tasksCreated;
    }

    /** Status calls that named this task (0 for an unknown id). */
    public long statusCallsFor(String taskId) {
        TaskStats t = tasks.get(taskId);
        return t == null ? 0 : t.statusCalls();
    }

    /** Mean status calls per created task (0 when there is none). */
    @JsonProperty("meanStatusCallsPerTask")
    public double meanStatusCallsPerTask() {
        return tasks.values().stream().mapToLong(TaskStats::statusCalls).average().orElse(0);
    }

    /** Most status calls any one task received. */
    @JsonProperty("maxStatusCallsPerTask")
    public long maxStatusCallsPerTask() {
        return tasks.values().stream().mapToLong(TaskStats::statusCalls).max().orElse(0);
    }

    /**
     * One task's life, in epoch ms of the simulator's clock.
     *
     * @param input                    the input with the API's defaults applied
     * @param createTime               when the create was accepted
     * @param startTime                when processing starts (pending before)
     * @param completeTime             when it reaches its terminal state
     * @param finalState               {@code success} or {@code failed}, its state once complete
     * @param failCode                 the fail code, or null
     * @param statusCalls              status calls naming this task
     * @param firstTerminalStatusTime  when a status call first saw it terminal, or null
     * @param callbackAttemptTimes     when each callback POST was sent
     * @param callbackDelivered        whether a callback POST was answered with 2xx
     */
    public record TaskStats(
            String taskId,
            GenerationInput input,
            long createTime,
            long startTime,
            long completeTime,
            String finalState,
            String failCode,
            long statusCalls,
            Long firstTerminalStatusTime,
            List<Long> callbackAttemptTimes,
            boolean callbackDelivered) {

        public TaskStats {
            callbackAttemptTimes = List.copyOf(callbackAttemptTimes);
        }
    }
}
