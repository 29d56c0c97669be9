package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.util.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * One task of the simulator. Its timeline is fixed at creation (pending until {@code startTime},
 * processing until {@code completeTime}, then terminal), so its state at any instant is computed,
 * not driven by timers. Mutable fields are guarded by the {@link SimulatorState} lock.
 */
final class SimTask {
    final String id;
    final String apiKey;
    final String model;
    final long createTime;
    final long startTime;
    final long completeTime;
    final String failCode;
    final String failMsg;
    final String callbackUrl;
    /** The input with the API's defaults applied. */
    final GenerationInput input;
    /** The reset generation this task belongs to: callbacks of an older generation are dropped. */
    final long epoch;
    /** Where its results are served ({@link ResultFiles}), once it succeeded. */
    final List<String> resultUrls;

    long statusCalls;
    Long firstTerminalStatusTime;
    final List<Long> callbackAttemptTimes = new ArrayList<>();
    boolean callbackDelivered;

    /** When a task is created, starts processing and completes, in epoch ms of the simulator's clock. */
    record Timeline(long createTime, long startTime, long completeTime) {
    }

    /** The fail code and message of a task that fails. */
    record Failure(String code, String message) {
    }

    /**
     * @param request  the accepted create: the input with the API's defaults applied and the callback URL
     * @param failure  the outcome of a task that fails, or null for one that succeeds
     * @param results  its result URLs (served when it succeeded)
     */
    SimTask(String id, String apiKey, String model, long epoch, CreateRequestReader.CreateRequest request,
            Timeline timeline, Failure failure, List<String> results) {
        this.id = id;
        this.apiKey = apiKey;
        this.model = model;
        this.createTime = timeline.createTime();
        this.startTime = timeline.startTime();
        this.completeTime = timeline.completeTime();
        this.failCode = failure == null ? null : failure.code();
        this.failMsg = failure == null ? null : failure.message();
        this.callbackUrl = request.callbackUrl();
        this.input = request.input();
        this.epoch = epoch;
        this.resultUrls = List.copyOf(results);
    }

    String finalState() {
        return failCode == null ? "success" : "failed";
    }

    String stateAt(long now) {
        if (now < startTime) {
            return "pending";
        }
        if (now < completeTime) {
            return "processing";
        }
        return finalState();
    }

    boolean isActiveAt(long now) {
        return now < completeTime;
    }

    /** The {@code data} object of a status answer (and of a callback) at {@code now}. */
    ObjectNode statusData(long now) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        String state = stateAt(now);
        data.put("taskId", id);
        data.put("state", state);
        data.put("createTime", createTime);
        if ("success".equals(state)) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            resultUrls.forEach(result.withArray("resultUrls")::add);
            // A JSON string holding JSON, as the contract says: clients parse it twice.
            data.put("resultJson", result.toString());
        } else if ("failed".equals(state)) {
            data.put("failCode", failCode);
            data.put("failMsg", failMsg);
        }
        if ("success".equals(state) || "failed".equals(state)) {
            data.put("completeTime", completeTime);
            data.put("costTime", completeTime - startTime);
        }
        return data;
    }
}
