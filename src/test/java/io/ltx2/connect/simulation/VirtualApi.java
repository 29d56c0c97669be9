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
        String rid = ridOf(callbackUrl);
        String echo = callbackUrl == null ? "" : " (callback_url " + callbackUrl + ")";
        if (random.nextDouble() < plan.now(plan.throttled)) {
            record(now, call, prompt, "429", null);
            call.answer(latency(), 429, error(429, "Too many requests" + echo));
        } else if (plan.inOutage(now)) {
            record(now, call, prompt, "503", null);
            call.answer(latency(), 503, error(503, "Service unavailable" + echo));
        } else if (plan.inNoBalance(now)) {
            record(now, call, prompt, "402", null);
            call.answer(latency(), 402, error(402, "Insufficient balance: top up your account" + echo));
        } else if (random.nextDouble() < plan.now(plan.create500Before)) {
            record(now, call, prompt, "500-before", null);
            call.answer(latency(), 500, error(500, "Internal error" + echo));
        } else {
            Task t = make(prompt, rid, body.path("callback_url").asText(null), now);
            answerMade(call, prompt, t, now);
        }
    }

    private void answerMade(Call call, String prompt, Task t, long now) {
        double roll = random.nextDouble();
        if (roll < plan.now(plan.answerDropped)) {
            record(now, call, prompt, "dropped", t.id);
            call.failLater(latency(), new ConnectionClosedException("Connection closed by peer"));
        } else if ((roll -= plan.now(plan.answerDropped)) < plan.now(plan.answerLate)) {
            record(now, call, prompt, "late", t.id); // never answered in time: the client's time-out fires
        } else if (roll - plan.now(plan.answerLate) < plan.now(plan.answer502After)) {
            record(now, call, prompt, "502-after", t.id);
            call.answer(latency(), 502, error(502, "Bad gateway"));
        } else {
            record(now, call, prompt, "200", t.id);
            ObjectNode data = Json.MAPPER.createObjectNode().put("taskId", t.id);
            call.answer(latency(), 200, ok(data));
        }
    }

    private void record(long now, Call call, String prompt, String answer, String taskId) {
        creates.add(new Create(now, call.node.name(), prompt, answer, taskId));
    }

    private Task make(String prompt, String rid, String callbackUrl, long now) {
        long generation = plan.minGenerationMs + random.nextLong(Math.max(1, plan.maxGenerationMs - plan.minGenerationMs));
        double roll = random.nextDouble();
        String failCode = roll < plan.failRetryable ? "PROCESSING_TIMEOUT"
                : (roll -= plan.failRetryable) < plan.now(plan.failUnavailable) ? "INSUFFICIENT_CREDITS"
                : roll - plan.now(plan.failUnavailable) < plan.failTerminal ? "GENERATION_FAILED" : null;
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
