package io.ltx2.connect.api;

import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Endpoint;
import io.ltx2.connect.simulator.Faults;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.ltx2.connect.api.ApiFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link LtxApiClient} against the project's simulator: outcomes, retries, limits and key hygiene. */
class LtxApiClientTest {
    /** Distinctive, so a scan for it cannot match anything else. */
    private static final String KEY = "sk-LEAKCHECK-7f3a9c2e5b";
    private static final RetryPolicy FAST_RETRIES = new RetryPolicy(10, Duration.ofMillis(20), Duration.ofSeconds(3));

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ApiSimulator sim(ApiSimulator.Builder builder) throws Exception {
        ApiSimulator sim = builder.build().start();
        open.add(sim);
        return sim;
    }

    private ApiSimulator sim() throws Exception {
        return sim(ApiSimulator.builder().apiKey(KEY).timeScale(0.01));
    }

    private LtxApiClient client(ApiSimulator sim, String key, Duration responseTimeout, double callsPerMinute, RetryPolicy retry) {
        LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password(key), sim.model(),
                Duration.ofSeconds(5), responseTimeout, 8, callsPerMinute, retry));
        open.add(client);
        return client;
    }

    private LtxApiClient client(ApiSimulator sim) {
        return client(sim, KEY, Duration.ofSeconds(10), 100_000, FAST_RETRIES);
    }

    private static CreateTaskRequest request(String prompt) {
        return new CreateTaskRequest(null, null, null, new GenerationInput(null, prompt, "480p", 5, null, null, null, null));
    }


    @Test
    void createThenPollUntilSuccessParsesTheResultUrls() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);

        String taskId = client.createTask(request("A red fox")).get(10, TimeUnit.SECONDS);
        TaskStatus[] last = new TaskStatus[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> (last[0] = client.getStatus(taskId).get(10, TimeUnit.SECONDS)).state().isTerminal());

        TaskStatus status = last[0];
        assertThat(status.taskId()).isEqualTo(taskId);
        assertThat(status.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(status.resultUrls()).singleElement().asString().startsWith("http://127.0.0.1:").endsWith(taskId + "-0.mp4");
        assertThat(status.createTime()).isPositive();
        assertThat(status.completeTime()).isGreaterThan(status.createTime());
        assertThat(status.costTime()).isPositive();
        assertThat(client.stats().createCalls()).isEqualTo(1);
    }

    @Test
    void failedTaskCarriesItsFailCode() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);

        String taskId = client.createTask(request("a fox #violation")).get(10, TimeUnit.SECONDS);
        TaskStatus[] last = new TaskStatus[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> (last[0] = client.getStatus(taskId).get(10, TimeUnit.SECONDS)).state().isTerminal());

        assertThat(last[0].state()).isEqualTo(TaskState.FAILED);
        assertThat(last[0].failCode()).isEqualTo("CONTENT_VIOLATION");
        assertThat(last[0].resultUrls()).isEmpty();
    }

    @Test
    void badRequestIsClassifiedAndNotRetried() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        CreateTaskRequest tooShort = new CreateTaskRequest(null, null, null, new GenerationInput(null, "p", "480p", 3, null, null, null, null));

        LtxApiException e = failure(client.createTask(tooShort));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.BAD_REQUEST);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("input.duration");
        assertThat(sim.stats().createCalls()).isEqualTo(1);
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void invalidAndForbiddenKeysAreAuthErrorsAndNotRetried() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey("another-key").forbiddenKeys(KEY).timeScale(0.01));

        LtxApiException forbidden = failure(client(sim).createTask(request("p")));
        LtxApiException invalid = failure(client(sim, "sk-LEAKCHECK-wrong", Duration.ofSeconds(5), 100_000, FAST_RETRIES).getStatus("t"));

        assertThat(forbidden.kind()).isEqualTo(ApiErrorKind.AUTH);
        assertThat(forbidden.httpStatus()).isEqualTo(403);
        assertThat(forbidden.getMessage()).contains("ltx.api.key");
        assertThat(invalid.kind()).isEqualTo(ApiErrorKind.AUTH);
        assertThat(invalid.httpStatus()).isEqualTo(401);
        assertThat(sim.stats().createCalls() + sim.stats().statusCalls()).isEqualTo(2);
    }

    @Test
    void unknownTaskIsNotFound() throws Exception {
        ApiSimulator sim = sim();

        LtxApiException e = failure(client(sim).getStatus("no-such-task"));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.NOT_FOUND);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(sim.stats().statusCalls()).isEqualTo(1);
    }

    @Test
    void burstOf5xxIsRetriedUntilTheCallSucceeds() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        String taskId = client.createTask(request("p")).get(10, TimeUnit.SECONDS);
        sim.setFaults(Faults.builder().errorRate(Endpoint.STATUS, 1.0).errorStatus(503).build());

        CompletableFuture<TaskStatus> status = client.getStatus(taskId);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().injectedErrors() >= 3);
        sim.setFaults(Faults.NONE);

        assertThat(status.get(10, TimeUnit.SECONDS).taskId()).isEqualTo(taskId);
        long injected = sim.stats().injectedErrors();
        assertThat(sim.stats().statusCalls()).isEqualTo(injected + 1);
        assertThat(client.stats().statusCalls()).isEqualTo(injected + 1);
        assertThat(client.stats().retries()).isEqualTo(injected);
    }

    @Test
    void exhausted5xxRetriesEndAsTransient() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).faults(Faults.builder().errorRate(Endpoint.STATUS, 1.0).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)));

        LtxApiException e = failure(client.getStatus("t"));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(sim.stats().statusCalls()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Faults.LostResponseMode.class)
    void createWhoseAnswerIsLostIsRetriedOnlyWithinTheAmbiguousBudget(Faults.LostResponseMode mode) throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).timeScale(0.01)
                .faults(Faults.builder().lostCreateResponseRate(1.0, mode).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)));

        LtxApiException e = failure(client.createTask(request("lost-" + mode), 1));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(sim.stats().tasksCreated()).as("one try plus one ambiguous retry, not retry.max + 1").isEqualTo(2);
        assertThat(sim.stats().duplicateSubmissions()).isEqualTo(1);
        assertThat(client.stats().ambiguousGiveUps()).isEqualTo(1);
    }

    @Test
    void gateIsAskedBeforeEachAttemptAndToldWhenThePreviousOneMayExist() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).timeScale(0.01)
                .faults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.values()[0]).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)));
        List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

        failure(client.createTask(request("gated"), 1, previousMayExist -> {
            asked.add(previousMayExist);
            return CompletableFuture.completedFuture(true);
        }));

        assertThat(asked).as("first attempt, then the ambiguous retry").containsExactly(false, true);
        assertThat(sim.stats().tasksCreated()).isEqualTo(2);
    }

    @Test
    void gateThatFailsFailsTheCreateWithoutSendingIt() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        IllegalStateException broken = new IllegalStateException("intent not written");

        CompletableFuture<String> call = client.createTask(request("p"), 1, previousMayExist -> CompletableFuture.failedFuture(broken));

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(broken);
        assertThat(sim.stats().createCalls()).isZero();
    }

    @Test
    void retryAfterA503DoesNotAskForANewAttempt() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).faults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorStatus(503).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)));
        List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

        failure(client.createTask(request("p"), 0, previousMayExist -> {
            asked.add(previousMayExist);
            return CompletableFuture.completedFuture(true);
        }));

        assertThat(asked).as("503 proves nothing was created: each retry is told so").hasSize(3).containsOnly(false);
    }

    @Test
    void zeroAmbiguousRetriesNeverSendsACreateTwiceAfterA5xx() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).faults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)));

        LtxApiException e = failure(client.createTask(request("p"), 0));

        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(sim.stats().createCalls()).isEqualTo(1);
    }

    @Test
    void serviceUnavailableIsNotAmbiguousAndUsesTheWholeRetryBudget() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).faults(Faults.builder().errorRate(Endpoint.CREATE, 1.0).errorStatus(503).build()));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));

        LtxApiException e = failure(client.createTask(request("p"), 0));

        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(sim.stats().createCalls()).isEqualTo(4);
    }

    @Test
    void createWithdrawnBeforeItsTurnIsNeverSent() throws Exception {
        ApiSimulator sim = sim();
        // 60 calls a minute: the second create waits about a second for its permit, and is withdrawn meanwhile.
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 60, FAST_RETRIES);
        java.util.concurrent.atomic.AtomicBoolean wanted = new java.util.concurrent.atomic.AtomicBoolean(true);

        CreateGate gate = previousMayExist -> CompletableFuture.completedFuture(wanted.get());
        CompletableFuture<String> first = client.createTask(request("first"), 1, gate);
        CompletableFuture<String> second = client.createTask(request("second"), 1, gate);
        assertThat(first.get(10, TimeUnit.SECONDS)).isNotBlank();
        wanted.set(false);

        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(sim.stats().createCalls()).isEqualTo(1);
        assertThat(client.stats().createCalls()).isEqualTo(1);
    }

    @Test
    void refusedConnectionIsNotAmbiguousAndUsesTheWholeRetryBudget() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LtxApiClient client = new LtxApiClient(new ApiClientSettings(URI.create("http://127.0.0.1:" + closedPort + "/api/v1"), new Password(KEY),
                "ltx-2-19b", Duration.ofSeconds(2), Duration.ofSeconds(2), 4, 100_000, new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50))));
        open.add(client);

        LtxApiException e = failure(client.createTask(request("p"), 0));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(client.stats().createCalls()).as("1 try + retry.max retries").isEqualTo(4);
        assertThat(client.stats().ambiguousGiveUps()).isZero();
    }

    @Test
    void rateLimitedCallWaitsAtLeastRetryAfterAndThrottlesTheClient() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        String taskId = client.createTask(request("p")).get(10, TimeUnit.SECONDS);
        sim.setFaults(Faults.builder().rateLimitStorm(300, 1).build());
        List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.stats().listen((create, nanos, code, retried) -> attempts.add((create ? "create " : "status ") + code
                + (retried ? " retried" : "") + (nanos > 0 ? "" : " no latency")));

        long t0 = System.nanoTime();
        CompletableFuture<TaskStatus> status = client.getStatus(taskId);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> client.throttledUntil().isPresent());
        TaskStatus result = status.get(10, TimeUnit.SECONDS);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(result.taskId()).isEqualTo(taskId);
        assertThat(elapsedMs).as("waited the 1 s Retry-After").isGreaterThanOrEqualTo(1_000);
        assertThat(sim.stats().rateLimited()).isEqualTo(1);
        assertThat(sim.stats().statusCalls()).isEqualTo(2);
        assertThat(client.stats().rateLimited()).isEqualTo(1);
        assertThat(attempts).as("the call listener hears each attempt, with its status and whether it is retried")
                .containsExactly("status 429 retried", "status 200");
    }

    @Test
    void rateLimitedAnswersDoNotUseUpTheRetryBudget() throws Exception {
        ApiSimulator sim = sim();
        // 2 retries at most, but a storm of 429s lasting several Retry-After periods.
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(5), 100_000, new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(200)));
        sim.setFaults(Faults.builder().rateLimitStorm(2_500, 0).build());

        String taskId = client.createTask(request("waits out the storm")).get(20, TimeUnit.SECONDS);

        assertThat(taskId).isNotBlank();
        assertThat(client.stats().rateLimited()).as("429s waited out").isGreaterThan(2)
                .as("Retry-After: 0 is waited at least the 20 ms first backoff, never a tight loop").isLessThanOrEqualTo(2_500 / 20 + 1);
        assertThat(sim.stats().tasksCreated()).isEqualTo(1);
        assertThat(client.stats().failures()).isZero();
    }

    @Test
    void hungCallHitsTheResponseTimeoutAndIsRetried() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim, KEY, Duration.ofMillis(400), 100_000, FAST_RETRIES);
        String taskId = client.createTask(request("p")).get(10, TimeUnit.SECONDS);
        sim.setFaults(Faults.builder().hangRate(Endpoint.STATUS, 1.0).hangMillis(0).build());

        long t0 = System.nanoTime();
        CompletableFuture<TaskStatus> status = client.getStatus(taskId);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().hangs() >= 1);
        sim.setFaults(Faults.NONE);
        TaskStatus result = status.get(10, TimeUnit.SECONDS);

        assertThat(result.taskId()).isEqualTo(taskId);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);
        assertThat(client.stats().retries()).isGreaterThanOrEqualTo(1);
        assertThat(sim.stats().statusCalls()).isEqualTo(sim.stats().hangs() + 1);
    }

    @ParameterizedTest
    @EnumSource(value = Faults.MalformedKind.class, names = {"NOT_JSON", "MISSING_DATA", "RESULT_NOT_JSON"})
    void malformedStatusAnswerIsMalformedResponseAndNotRetried(Faults.MalformedKind kind) throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        String taskId = client.createTask(request("p")).get(10, TimeUnit.SECONDS);
        sim.setFaults(Faults.builder().malformedStatus(1.0, kind).build());

        LtxApiException e = failure(client.getStatus(taskId));

        assertThat(e.kind()).isEqualTo(ApiErrorKind.MALFORMED_RESPONSE);
        assertThat(sim.stats().statusCalls()).isEqualTo(1);
    }

    @Test
    void unknownStateIsKeptAsUnknownWithTheApisWord() throws Exception {
        ApiSimulator sim = sim();
        LtxApiClient client = client(sim);
        String taskId = client.createTask(request("p")).get(10, TimeUnit.SECONDS);
        sim.setFaults(Faults.builder().malformedStatus(1.0, Faults.MalformedKind.UNKNOWN_STATE).build());

        TaskStatus status = client.getStatus(taskId).get(10, TimeUnit.SECONDS);

        assertThat(status.state()).isEqualTo(TaskState.UNKNOWN);
        assertThat(status.rawState()).isEqualTo("queued");
    }

    @Test
    void rateLimiterKeepsTheCallRateUnderItsSetting() throws Exception {
        // 2,400 calls a minute = 40/s; the bucket holds one second's worth (40). In any 1 s window
        // the simulator may see at most the burst plus one second of refill: 80.
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).limitsEnabled(false).rateWindow(Duration.ofSeconds(1)));
        LtxApiClient client = client(sim, KEY, Duration.ofSeconds(10), 2_400, FAST_RETRIES);
        int calls = 140;

        long t0 = System.nanoTime();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(client.getStatus("t" + i).exceptionally(e -> null));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(sim.stats().statusCalls()).isEqualTo(calls);
        assertThat(sim.stats().peakCallsInWindow()).isBetween(40L, 81L);
        assertThat(elapsedMs).as("100 calls beyond the burst at 40/s").isGreaterThanOrEqualTo(2_400);
    }

    @Test
    void apiKeyNeverAppearsInExceptionsOrToString() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().apiKey(KEY).timeScale(0.01).forbiddenKeys(KEY + "-forbidden"));
        List<Throwable> errors = new ArrayList<>();
        LtxApiClient good = client(sim, KEY, Duration.ofMillis(300), 100_000, new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(20)));
        LtxApiClient wrong = client(sim, KEY + "-wrong", Duration.ofSeconds(5), 100_000, FAST_RETRIES);
        LtxApiClient forbidden = client(sim, KEY + "-forbidden", Duration.ofSeconds(5), 100_000, FAST_RETRIES);

        errors.add(failure(wrong.createTask(request("p"))));
        errors.add(failure(forbidden.getStatus("t")));
        errors.add(failure(good.getStatus("unknown")));
        errors.add(failure(good.createTask(new CreateTaskRequest("callback", null, null, new GenerationInput(null, "p", null, null, null, null, null, null)))));
        sim.setFaults(Faults.builder().errorRate(Endpoint.STATUS, 1.0).build());
        errors.add(failure(good.getStatus("t")));
        sim.setFaults(Faults.builder().hangRate(Endpoint.STATUS, 1.0).build());
        errors.add(failure(good.getStatus("t")));
        sim.setFaults(Faults.builder().lostCreateResponseRate(1.0, Faults.LostResponseMode.DROP_CONNECTION).build());
        errors.add(failure(good.createTask(request("p"))));

        StringBuilder everything = new StringBuilder();
        for (Throwable t : errors) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            everything.append(t).append('\n').append(trace).append('\n');
        }
        everything.append(good.settings()).append(wrong.settings()).append(good).append(good.stats());
        assertThat(errors).hasSize(7);
        assertThat(everything.toString()).doesNotContain(KEY).doesNotContain("LEAKCHECK");
    }
}
