package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpExchange;
import io.ltx2.connect.util.Json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /api/v1/statusTask/{model}?taskId=} once the call passed its {@link CallGates}: 400
 * without a task id, 404 for a task unknown to the key, else the task's state now, unless the
 * malformed-answer fault replaces the answer.
 */
final class StatusHandler {
    private final SimulatorState state;
    private final FaultDice dice;
    private final Responder responder;

    StatusHandler(SimulatorState state, FaultDice dice, Responder responder) {
        this.state = state;
        this.dice = dice;
        this.responder = responder;
    }

    void handle(HttpExchange ex, CallGates.Call call) {
        String taskId = Exchanges.queryParam(ex.getRequestURI().getRawQuery(), "taskId");
        if (taskId == null || taskId.isBlank()) {
            state.count(SimulatorState.Count.BAD_REQUESTS);
            responder.send(ex, 400, Envelopes.error(400, "taskId: is required"));
            return;
        }
        SimTask task = state.statusCall(call.apiKey(), taskId, call.now());
        if (task == null) {
            state.count(SimulatorState.Count.NOT_FOUND);
            responder.send(ex, 404, Envelopes.error(404, "task not found: " + taskId));
            return;
        }
        Faults f = call.faults();
        if (dice.roll(FaultDice.Stream.MALFORMED, f.malformedStatusRate())) {
            state.count(SimulatorState.Count.MALFORMED);
            List<Faults.MalformedKind> kinds = f.malformedKinds().isEmpty()
                    ? Arrays.asList(Faults.MalformedKind.values()) : f.malformedKinds();
            Faults.MalformedKind kind = kinds.get(dice.pick(FaultDice.Stream.MALFORMED_KIND, kinds.size()));
            sendMalformed(ex, task, kind, call.now());
            return;
        }
        responder.send(ex, 200, Envelopes.ok(task.statusData(call.now())));
    }

    private void sendMalformed(HttpExchange ex, SimTask task, Faults.MalformedKind kind, long now) {
        switch (kind) {
            case NOT_JSON -> responder.send(ex, 200, "text/html",
                    "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8));
            case MISSING_DATA -> responder.send(ex, 200, Json.MAPPER.createObjectNode().put("code", 200).put("message", "success"));
            case UNKNOWN_STATE -> responder.send(ex, 200, Envelopes.ok(task.statusData(now).put("state", "queued")));
            case RESULT_NOT_JSON -> responder.send(ex, 200, Envelopes.ok(task.statusData(now).put("state", "success")
                    .put("resultJson", "{resultUrls: [https://broken")));
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
    }
}
