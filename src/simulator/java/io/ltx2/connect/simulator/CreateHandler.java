package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ltx2.connect.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/generateTask/{model}} once the call passed its {@link CallGates}: validates the
 * body as the API does (400 naming every bad field), admits the task under the key's concurrency
 * limit (429 with {@code Retry-After} until its first active task completes), schedules its
 * callback, and answers its id, unless the lost-response fault takes the answer (the task exists
 * and is billed all the same).
 */
final class CreateHandler {
    private static final Logger log = LoggerFactory.getLogger(CreateHandler.class);

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
        String key = call.apiKey();
        long now = call.now();
        int maxConcurrent = controls.limitsEnabled() ? config.maxConcurrentTasks() : Integer.MAX_VALUE;
        SimulatorState.Admission admission = state.admitTask(key, now, maxConcurrent, request.canonical(),
                epoch -> planner.plan(key, request, now, epoch));
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
