package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ltx2.connect.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/generateTask/{model}} once the call passed its {@link CallGates}: validates the
 * body as the API does (400 naming every bad field), refuses content the policy forbids (403, the
 * prompt marker {@value ApiSimulator#FORBIDDEN_CONTENT_MARKER}), takes the task's duration from the
 * balance (402 when it is short), admits the task under the key's concurrency limit (429 with
 * {@code Retry-After} until its first active task completes), schedules its callback, and answers
 * its id, unless the lost-response fault takes the answer (the task exists and is billed all the same).
 */
final class CreateHandler {
    private static final Logger log = LoggerFactory.getLogger(CreateHandler.class);
    /** The provider's identifier of a content refusal, as the vendor's errors page names one. */
    static final String CONTENT_ERROR_CODE = "SensitiveContentDetected";

    private final SimulatorConfig config;
    private final SimulatorState state;
    private final FaultDice dice;
    private final LiveControls controls;
    private final TaskPlanner planner;
    private final CallbackSender callbacks;
    private final Responder responder;

    CreateHandler(SimulatorConfig config, SimulatorState state, FaultDice dice, LiveControls controls, TaskPlanner planner,
                  CallbackSender callbacks, Responder responder) {
        this.config = config;
        this.state = state;
        this.dice = dice;
        this.controls = controls;
        this.planner = planner;
        this.callbacks = callbacks;
        this.responder = responder;
    }

    void handle(HttpExchange ex, CallGates.Call call, byte[] body) {
        CreateRequestReader.CreateRequest request;
        try {
            request = CreateRequestReader.read(body);
        } catch (CreateRequestReader.InvalidRequest invalid) {
            state.count(SimulatorState.Count.BAD_REQUESTS);
            responder.send(ex, 400, Envelopes.error(400, invalid.getMessage()));
            return;
        }
        if (request.input().prompt().contains(ApiSimulator.FORBIDDEN_CONTENT_MARKER)) {
            state.count(SimulatorState.Count.FORBIDDEN_CONTENT);
            responder.send(ex, 403, Envelopes.error(403, "content violates the usage policy",
                    "input.prompt: flagged by content moderation", CONTENT_ERROR_CODE));
            return;
        }
        String key = call.apiKey();
        long now = call.now();
        int maxConcurrent = controls.limitsEnabled() ? config.maxConcurrentTasks() : Integer.MAX_VALUE;
        int seconds = request.input().duration();
        SimulatorState.Admission admission = state.admitTask(key, now, maxConcurrent, request.canonical(), seconds,
                (epoch, earlier) -> planner.plan(key, request, now, epoch, earlier, call.faults()));
        if (admission.insufficientBalance()) {
            responder.send(ex, 402, Envelopes.error(402, "insufficient balance", "the task needs " + seconds
                    + " s of video, the balance has " + admission.balanceLeft() + " s left: top up the account"));
            return;
        }
        if (admission.task() == null) {
            responder.sendTooMany(ex, admission.retryAfterSeconds(), "too many concurrent tasks: at most "
                    + config.maxConcurrentTasks());
            return;
        }
        SimTask task = admission.task();
        if (task.callbackUrl != null) {
            callbacks.schedule(task);
        }
        log.debug("task {} created, completes in {} ms", task.id, task.completeTime - now);
        if (dice.roll(FaultDice.Stream.LOST_CREATE, call.faults().lostCreateResponseRate())) {
            loseAnswer(ex, call.faults());
            return;
        }
        ObjectNode data = Json.MAPPER.createObjectNode().put("taskId", task.id);
        responder.send(ex, 200, Envelopes.ok(data));
    }

    private void loseAnswer(HttpExchange ex, Faults f) {
        state.count(SimulatorState.Count.LOST_CREATE_RESPONSES);
        if (f.lostResponseMode() == Faults.LostResponseMode.SERVER_ERROR) {
            responder.send(ex, 500, Envelopes.error(500, "internal server error"));
        } else {
            ex.close(); // no answer was started: closing the exchange drops the connection
        }
    }
}
