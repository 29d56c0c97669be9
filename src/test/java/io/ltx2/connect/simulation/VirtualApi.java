package io.ltx2.connect.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.api.ApiExchange;
import io.ltx2.connect.util.Json;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The APIXO API as the simulation plays it (api-contract.md): creates and status calls, 402 and 503
 * periods, 429s, answers lost, late or replaced by a 5xx after the task was made, tasks that end in
 * success or a fail code after a generation time, and callbacks. Every task made is kept in its
 * ledger with the request (the prompt) it was made for, whatever the connectors learnt of it.
 */
final class VirtualApi {
    /** A task the API made. */
    static final class Task {
        final String id;
        final String prompt;
        final String rid;
        final long createdAt;
        final long finishAt;
        final String failCode;
        String callbackUrl;
        /** Callbacks delivered (or 0 when none was asked for or all were lost). */
        int callbacksDelivered;

        Task(String id, String prompt, String rid, long createdAt, long finishAt, String failCode) {
            this.id = id;
            this.prompt = prompt;
            this.rid = rid;
            this.createdAt = createdAt;
            this.finishAt = finishAt;
            this.failCode = failCode;
        }

        String state(long now) {
            return now < createdAt + 300 ? "pending" : now < finishAt ? "processing" : failCode == null ? "success" : "failed";
        }
    }

    /** One create call as the API saw it and what its caller got back. */
    record Create(long at, String node, String prompt, String answer, String taskId) {
    }

    private final VirtualTime time;
    private final ApiPlan plan;
    private final Random random;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final List<Create> creates = new ArrayList<>();
    private final Consumer<Callback> callbacks;
    private int next;

    /** A webhook the API sends: the task's callback URL and the body. */
    record Callback(Task task, String url, byte[] body) {
    }

    VirtualApi(VirtualTime time, ApiPlan plan, Random random, Consumer<Callback> callbacks) {
        this.time = time;
        this.plan = plan;
        this.random = random;
        this.callbacks = callbacks;
    }

    Map<String, Task> tasks() {
        return tasks;
    }

    List<Create> creates() {
        return creates;
    }

    private long now() {
        return time.nanoTime() / 1_000_000;
    }

    /** The exchange of one client of {@code node}: its answers die with the node; no answer within {@code responseTimeout} times out. */
    ApiExchange exchange(SimNode node, Duration responseTimeout) {
        return new ApiExchange() {
            @Override
            public void send(SimpleHttpRequest request, FutureCallback<SimpleHttpResponse> callback) {
                Call call = new Call(node, callback, responseTimeout.toNanos());
                time.io(latency(), null, () -> arrive(request, call));
            }

            @Override
            public void close() {
            }
        };
    }

    /** A call on its way: it completes once, with an answer, a failure or its time-out. */
    private final class Call {
        final SimNode node;
        final FutureCallback<SimpleHttpResponse> callback;
        boolean done;

        Call(SimNode node, FutureCallback<SimpleHttpResponse> callback, long timeoutNanos) {
            this.node = node;
            this.callback = callback;
            time.io(timeoutNanos, node, () -> fail(new SocketTimeoutException("Read timed out")));
        }

        void answer(long delayNanos, int status, JsonNode body) {
            time.io(delayNanos, node, () -> {
                if (!done) {
                    done = true;
                    callback.completed(SimpleHttpResponse.create(status, Json.MAPPER.valueToTree(body).toString(), ContentType.APPLICATION_JSON));
                }
            });
        }

        void failLater(long delayNanos, Exception e) {
            time.io(delayNanos, node, () -> fail(e));
        }

        private void fail(Exception e) {
            if (!done) {
                done = true;
                callback.failed(e);
            }
        }
    }

    private long latency() {
        return (2 + random.nextInt(20)) * 1_000_000L;
    }

    private void arrive(SimpleHttpRequest request, Call call) {
        String path = request.getRequestUri();
        if (path.contains("/generateTask/")) {
            create(request, call);
        } else {
            status(path, call);
        }
    }

    private void create(SimpleHttpRequest request, Call call) {
        long now = now();
        JsonNode body = readBody(request);
        String prompt = body.path("input").path("prompt").asText();
        String callbackUrl = body.path("callback_url").asText(null);
        String echo = callbackUrl == null ? "" : " (callback_url " + callbackUrl + ")";
        String answer = plan.scriptedAnswer(prompt);
        if (answer == null) {
            answer = drawAnswer(now);
        }
        switch (answer) {
            case "429" -> refuse(call, now, prompt, 429, "Too many requests" + echo);
            case "503" -> refuse(call, now, prompt, 503, "Service unavailable" + echo);
            case "402" -> refuse(call, now, prompt, 402, "Insufficient balance: top up your account" + echo);
            case "500-before" -> refuse(call, now, prompt, 500, "Internal error" + echo);
            default -> answerMade(call, prompt, make(prompt, ridOf(callbackUrl), callbackUrl, now), now, answer);
        }
    }

    /** How a create that nothing scripted is answered, as the plan's periods and rates say. */
    private String drawAnswer(long now) {
        if (random.nextDouble() < plan.now(plan.throttled)) {
            return "429";
        } else if (plan.inOutage(now)) {
            return "503";
        } else if (plan.inNoBalance(now)) {
            return "402";
        } else if (random.nextDouble() < plan.now(plan.create500Before)) {
            return "500-before";
        }
        double roll = random.nextDouble();
        if (roll < plan.now(plan.answerDropped)) {
            return "dropped";
        } else if ((roll -= plan.now(plan.answerDropped)) < plan.now(plan.answerLate)) {
            return "late";
        }
        return roll - plan.now(plan.answerLate) < plan.now(plan.answer502After) ? "502-after" : "200";
    }

    private void refuse(Call call, long now, String prompt, int status, String message) {
        record(now, call, prompt, status == 500 ? "500-before" : String.valueOf(status), null);
        call.answer(latency(), status, error(status, message));
    }

    private void answerMade(Call call, String prompt, Task t, long now, String answer) {
        record(now, call, prompt, answer, t.id);
        switch (answer) {
            case "dropped" -> call.failLater(latency(), new ConnectionClosedException("Connection closed by peer"));
            case "late" -> { } // never answered in time: the client's time-out fires
            case "502-after" -> call.answer(latency(), 502, error(502, "Bad gateway"));
            default -> call.answer(latency(), 200, ok(Json.MAPPER.createObjectNode().put("taskId", t.id)));
        }
    }

    private void record(long now, Call call, String prompt, String answer, String taskId) {
        creates.add(new Create(now, call.node.name(), prompt, answer, taskId));
    }

    private Task make(String prompt, String rid, String callbackUrl, long now) {
        long generation = plan.minGenerationMs + random.nextLong(Math.max(1, plan.maxGenerationMs - plan.minGenerationMs));
        double roll = random.nextDouble();
        String scripted = plan.scriptedEnd(prompt);
        String failCode = roll < plan.failRetryable ? "PROCESSING_TIMEOUT"
                : (roll -= plan.failRetryable) < plan.now(plan.failUnavailable) ? "INSUFFICIENT_CREDITS"
                : roll - plan.now(plan.failUnavailable) < plan.failTerminal ? "GENERATION_FAILED" : null;
        if (scripted != null) {
            failCode = scripted.isEmpty() ? null : scripted;
        }
        Task t = new Task("task-" + (++next), prompt, rid, now, now + generation, failCode);
        t.callbackUrl = callbackUrl == null || callbackUrl.isBlank() ? null : callbackUrl;
        tasks.put(t.id, t);
        if (callbackUrl != null && !callbackUrl.isBlank()) {
            scheduleCallbacks(t, callbackUrl);
        }
        return t;
    }

    private void scheduleCallbacks(Task t, String url) {
        for (long retry : plan.callbackRetriesMs) {
            boolean lost = random.nextDouble() < plan.callbackLost;
            boolean twice = random.nextDouble() < plan.callbackDuplicated;
            long at = (t.finishAt - now() + retry) * 1_000_000L;
            if (!lost) {
                time.io(at, null, () -> deliver(t, url));
                if (twice) {
                    time.io(at + latency(), null, () -> deliver(t, url));
                }
                if (!twice) {
                    return; // answered: the API retries no more
                }
            }
        }
    }

    private void deliver(Task t, String url) {
        t.callbacksDelivered++;
        callbacks.accept(new Callback(t, url, ok(statusData(t, now())).toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void status(String path, Call call) {
        String id = URLDecoder.decode(path.substring(path.indexOf("taskId=") + "taskId=".length()), StandardCharsets.UTF_8);
        Task t = tasks.get(id);
        if (random.nextDouble() < plan.now(plan.status500)) {
            call.answer(latency(), 500, error(500, "Internal error"));
        } else if (t == null) {
            call.answer(latency(), 404, error(404, "task not found: " + id));
        } else {
            call.answer(latency(), 200, ok(statusData(t, now())));
        }
    }

    private static ObjectNode statusData(Task t, long now) {
        String state = t.state(now);
        ObjectNode data = Json.MAPPER.createObjectNode().put("taskId", t.id).put("state", state).put("createTime", VirtualTime.EPOCH_MILLIS + t.createdAt);
        if ("success".equals(state)) {
            data.put("resultJson", "{\"resultUrls\":[\"https://cdn.sim/" + t.id + ".mp4\"]}");
        } else if ("failed".equals(state)) {
            data.put("failCode", t.failCode).put("failMsg", "the task failed: " + t.failCode + (t.callbackUrl == null ? ""
                    : " (callback_url " + t.callbackUrl + ")"));
        }
        if ("success".equals(state) || "failed".equals(state)) {
            data.put("completeTime", VirtualTime.EPOCH_MILLIS + t.finishAt).put("costTime", t.finishAt - t.createdAt);
        }
        return data;
    }

    private static ObjectNode ok(JsonNode data) {
        ObjectNode env = Json.MAPPER.createObjectNode().put("code", 200).put("message", "success");
        env.set("data", data);
        return env;
    }

    private static ObjectNode error(int status, String message) {
        ObjectNode env = Json.MAPPER.createObjectNode().put("code", status).put("message", message);
        env.putObject("data").put("error", message);
        return env;
    }

    private static JsonNode readBody(SimpleHttpRequest request) {
        try {
            return Json.MAPPER.readTree(request.getBodyBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the client sent a body that is not JSON", e);
        }
    }

    private static String ridOf(String callbackUrl) {
        return callbackUrl == null ? null : World.param(callbackUrl, "rid");
    }
}
