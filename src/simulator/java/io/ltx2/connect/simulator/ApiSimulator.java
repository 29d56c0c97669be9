package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Lora;
import io.ltx2.connect.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A local stand-in for the APIXO API of LTX-2 19B, faithful to {@code api-contract.md}: the two
 * endpoints with the {@code {code, message, data}} envelope, Bearer auth, input validation, tasks
 * that move from {@code pending} to {@code processing} to {@code success} or {@code failed} over
 * time, the rate and concurrency limits, webhooks, and fault injection. It binds to 127.0.0.1 only.
 *
 * <pre>{@code
 * try (ApiSimulator sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).build().start()) {
 *     String url = sim.baseUrl();   // http://127.0.0.1:PORT/api/v1, for ltx.api.url
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code POST /api/v1/generateTask/{model}} and {@code GET /api/v1/statusTask/{model}?taskId=}.
 *       A model other than the configured one (default {@code ltx-2-19b}) gets <b>404</b>; any other
 *       path 404; a wrong method 405.</li>
 *   <li>No or unknown Bearer key: 401. A key configured as forbidden: 403. Checked before anything else.</li>
 *   <li>Invalid create bodies: 400, the message naming every bad field ({@code input.duration: ...}).
 *       The API's own defaults apply: {@code async}, {@code auto}, text-to-video, 720p, 10 s, 16:9
 *       (text modes). {@code callback_url} is required for {@code callback} and may be any http(s) URL
 *       (the real API wants public HTTPS). Status without {@code taskId}: 400; unknown task: 404.</li>
 *   <li>Timeline: pending 1-3 s, then processing 40-60 s (480p), 60-90 s (720p), 90-120 s (1080p),
 *       longer for longer videos, +10-20 s for LoRA modes, all times the time scale and deterministic
 *       for a seed and payload. A fixed generation time overrides this.</li>
 *   <li>Fail codes, after 3-8 s (scaled) of processing: prompt containing {@value #VIOLATION_MARKER}
 *       gives {@code CONTENT_VIOLATION}; an image URL containing {@value #INVALID_IMAGE_MARKER} gives
 *       {@code INVALID_IMAGE_URL}; a LoRA path containing {@value #INVALID_LORA_MARKER} gives
 *       {@code INVALID_LORA_URL} (checked in that order).</li>
 *   <li>Server-side refusal: a prompt containing {@value #BAD_REQUEST_MARKER} is answered with 400
 *       ({@code input.prompt: refused by the API's own checks}) although it is valid by the contract.</li>
 *   <li>Limits per key, switchable off: calls in a sliding window (10,000 per 60 s) and tasks pending
 *       or processing (1,000). Exceeding either gives 429 with {@code Retry-After} in whole seconds:
 *       until the oldest call leaves the window, or until the first active task completes.</li>
 *   <li>Callbacks: see {@link CallbackSender}.</li>
 *   <li>Faults: see {@link Faults}; changeable at run time.</li>
 *   <li>Admin endpoints, no key needed: {@code GET /_sim/stats}, {@code GET|POST /_sim/faults}
 *       (the posted fields are merged into the current faults), {@code POST /_sim/reset}.</li>
 * </ul>
 *
 * <p>Order of checks for an API call: route, method, auth, 429 storm, rate limit, hang fault,
 * error fault, model, then the endpoint's own work (validation, concurrency limit, lost-response
 * fault for creates; lookup and malformed-answer fault for status). The latency fault delays
 * every answer of its endpoint after the route is known (hangs excepted).
 */
public final class ApiSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiSimulator.class);

    public static final String API_PREFIX = "/api/v1";
    public static final String VIOLATION_MARKER = "#violation";
    public static final String INVALID_IMAGE_MARKER = "invalid-image";
    public static final String INVALID_LORA_MARKER = "invalid-lora";
    /**
     * A prompt holding this is refused with 400 although it passes the contract's rules: the
     * API's own checks can refuse what a client cannot check (a policy, a changed rule), and the
     * connectors must handle that 400 as a permanent rejection of the request.
     */
    public static final String BAD_REQUEST_MARKER = "#bad-request";
    public static final String DEFAULT_API_KEY = "sim-api-key";

    private static final String CREATE_PREFIX = API_PREFIX + "/generateTask/";
    private static final String STATUS_PREFIX = API_PREFIX + "/statusTask/";
    private static final String ADMIN_PREFIX = "/_sim/";
    /** Exchange attribute: the latency fault's delay for every answer of this call. */
    private static final String LATENCY_ATTRIBUTE = "ltx.sim.latencyMs";
    /** "Never answered" ends after this, so a long benchmark does not collect open connections. */
    private static final long HANG_FOREVER_MS = 600_000;

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body waits
        // for the client's delayed ACK (~40 ms a call). Read once by the JDK server, so set it early.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Builder config;
    private final Clock clock;
    private final SimulatorState state;
    private final GenerationTimes times;
    private final FaultDice dice;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    /** Clock millis until which every API call gets 429, and the Retry-After it carries. */
    private volatile long stormUntil;
    private volatile int stormRetryAfter;
    private volatile boolean limitsEnabled;
    private final AtomicLong taskCounter = new AtomicLong();
    /** Calls hung for good by a fault: their connections are dropped on reset and close. */
    private final Set<HttpExchange> hung = ConcurrentHashMap.newKeySet();

    private HttpServer server;
    private ExecutorService requestExecutor;
    private ScheduledExecutorService scheduler;
    private ExecutorService callbackExecutor;
    private CallbackSender callbacks;

    private ApiSimulator(Builder config) {
        this.config = config;
        this.clock = config.clock;
        this.state = new SimulatorState(config.rateWindow.toMillis());
        this.times = new GenerationTimes(config.timeScale, config.fixedGenerationTime, config.seed);
        this.dice = new FaultDice(config.seed);
        this.limitsEnabled = config.limitsEnabled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 on the configured port (0 = a free one) and starts serving. */
    public synchronized ApiSimulator start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        requestExecutor = Executors.newFixedThreadPool(config.threads, daemon("ltx-sim-http"));
        ScheduledThreadPoolExecutor sched = new ScheduledThreadPoolExecutor(2, daemon("ltx-sim-timer"));
        sched.setRemoveOnCancelPolicy(true);
        scheduler = sched;
        callbackExecutor = Executors.newFixedThreadPool(2, daemon("ltx-sim-callback"));
        callbacks = new CallbackSender(state, scheduler, callbackExecutor, clock, dice, faults::get, times);
        setFaults(config.faults);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port), 1024);
        server.setExecutor(requestExecutor);
        server.createContext("/", this::handle);
        server.start();
        log.info("APIXO simulator listening on {} (time scale {}, seed {}, limits {})", baseUrl(), config.timeScale,
                config.seed, limitsEnabled ? "on" : "off");
        return this;
    }

    /** The port bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The API base URL, for {@code ltx.api.url}: {@code http://127.0.0.1:PORT/api/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + API_PREFIX;
    }

    /** The admin base: {@code http://127.0.0.1:PORT/_sim}. */
    public String adminUrl() {
        return "http://127.0.0.1:" + port() + "/_sim";
    }

    public String model() {
        return config.model;
    }

    public double timeScale() {
        return config.timeScale;
    }

    /** A consistent snapshot of all counters. */
    public SimulatorStats stats() {
        return state.snapshot(clock.millis());
    }

    /** Task ids in creation order. */
    public List<String> taskIds() {
        return state.taskIds();
    }

    public Faults faults() {
        return faults.get();
    }

    /** Replaces the faults; a storm in them starts now. */
    public void setFaults(Faults newFaults) {
        Objects.requireNonNull(newFaults, "faults");
        faults.set(newFaults);
        if (newFaults.stormDurationMs() > 0) {
            stormRetryAfter = newFaults.stormRetryAfterSeconds();
            stormUntil = clock.millis() + newFaults.stormDurationMs();
        } else {
            stormUntil = 0;
        }
    }

    public void updateFaults(UnaryOperator<Faults> change) {
        setFaults(change.apply(faults.get()));
    }

    public void setLimitsEnabled(boolean enabled) {
        this.limitsEnabled = enabled;
    }

    /** Forgets tasks and counters and restores the build-time faults. */
    public void reset() {
        state.reset();
        dropHungCalls();
        setFaults(config.faults);
        log.info("simulator reset");
    }

    /** Stops the server, the timers and the callback threads. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        dropHungCalls();
        server.stop(0);
        scheduler.shutdownNow();
        callbackExecutor.shutdownNow();
        requestExecutor.shutdownNow();
        try {
            requestExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        log.info("APIXO simulator stopped");
    }

    private void dropHungCalls() {
        for (HttpExchange ex : hung) {
            hung.remove(ex);
            ex.close(); // no answer was started: this closes the connection
        }
    }

    // ---- request handling ----

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith(ADMIN_PREFIX)) {
                handleAdmin(ex, path.substring(ADMIN_PREFIX.length()));
                return;
            }
            Endpoint endpoint = path.startsWith(CREATE_PREFIX) ? Endpoint.CREATE
                    : path.startsWith(STATUS_PREFIX) ? Endpoint.STATUS : null;
            byte[] body = readBody(ex);
            if (endpoint == null) {
                state.count(SimulatorState.Count.NOT_FOUND);
                send(ex, 404, Envelopes.error(404, "no such endpoint: " + path));
                return;
            }
            long now = clock.millis();
            state.recordCall(endpoint, now);
            Faults f = faults.get();
            ex.setAttribute(LATENCY_ATTRIBUTE, latency(f, endpoint));
            String method = endpoint == Endpoint.CREATE ? "POST" : "GET";
            if (!method.equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", method);
                send(ex, 405, Envelopes.error(405, "method " + ex.getRequestMethod() + " not allowed, use " + method));
                return;
            }
            String key = bearerKey(ex);
            if (key == null || !config.apiKeys.contains(key)) {
                state.count(SimulatorState.Count.AUTH_FAILURES);
                if (key != null && config.forbiddenKeys.contains(key)) {
                    send(ex, 403, Envelopes.error(403, "forbidden: this API key has no access to the model"));
                } else {
                    send(ex, 401, Envelopes.error(401, key == null ? "missing Authorization: Bearer header" : "invalid API key"));
                }
                return;
            }
            if (now < stormUntil) {
                state.count(SimulatorState.Count.RATE_LIMITED);
                sendTooMany(ex, stormRetryAfter, "too many requests");
                return;
            }
            if (limitsEnabled) {
                int retryAfter = state.admitCall(key, now, config.callsPerWindow);
                if (retryAfter > 0) {
                    sendTooMany(ex, retryAfter, "rate limit exceeded: " + config.callsPerWindow + " calls per "
                            + config.rateWindow.toSeconds() + " s");
                    return;
                }
            }
            boolean create = endpoint == Endpoint.CREATE;
            if (dice.roll(create ? FaultDice.Stream.CREATE_HANG : FaultDice.Stream.STATUS_HANG,
                    create ? f.createHangRate() : f.statusHangRate())) {
                state.count(SimulatorState.Count.HANGS);
                if (f.hangMs() > 0) {
                    later(() -> sendJson(ex, 504, Envelopes.error(504, "gateway timeout")), f.hangMs());
                } else {
                    // Never answered; the client's time-out ends it. Reset, close or ten minutes drop the connection.
                    hung.add(ex);
                    later(() -> {
                        if (hung.remove(ex)) {
                            ex.close();
                        }
                    }, HANG_FOREVER_MS);
                }
                return;
            }
            if (dice.roll(create ? FaultDice.Stream.CREATE_ERROR : FaultDice.Stream.STATUS_ERROR,
                    create ? f.createErrorRate() : f.statusErrorRate())) {
                state.count(SimulatorState.Count.INJECTED_ERRORS);
                send(ex, f.errorStatus(), Envelopes.error(f.errorStatus(), "internal server error"));
                return;
            }
            String model = path.substring(create ? CREATE_PREFIX.length() : STATUS_PREFIX.length());
            if (!config.model.equals(model)) {
                state.count(SimulatorState.Count.NOT_FOUND);
                send(ex, 404, Envelopes.error(404, "model not found: " + model));
                return;
            }
            if (create) {
                handleCreate(ex, key, body, f, now);
            } else {
                handleStatus(ex, key, f, now);
            }
        } catch (RuntimeException | IOException e) {
            log.warn("simulator failed to handle {} {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            send(ex, 500, Envelopes.error(500, "simulator error: " + e.getClass().getSimpleName()));
        }
    }

    private void handleCreate(HttpExchange ex, String key, byte[] body, Faults f, long now) {
        CreateRequestReader.CreateRequest request;
        try {
            request = CreateRequestReader.read(body);
        } catch (CreateRequestReader.InvalidRequest invalid) {
            state.count(SimulatorState.Count.BAD_REQUESTS);
            send(ex, 400, Envelopes.error(400, invalid.getMessage()));
            return;
        }
        int maxConcurrent = limitsEnabled ? config.maxConcurrentTasks : Integer.MAX_VALUE;
        SimulatorState.Admission admission = state.admitTask(key, now, maxConcurrent, request.canonical(),
                epoch -> newTask(key, request, now, epoch));
        if (admission.task() == null) {
            sendTooMany(ex, admission.retryAfterSeconds(), "too many concurrent tasks: at most " + config.maxConcurrentTasks);
            return;
        }
        SimTask task = admission.task();
        if (task.callbackUrl != null) {
            callbacks.schedule(task);
        }
        log.debug("task {} created, completes in {} ms", task.id, task.completeTime - now);
        if (dice.roll(FaultDice.Stream.LOST_CREATE, f.lostCreateResponseRate())) {
            state.count(SimulatorState.Count.LOST_CREATE_RESPONSES);
            if (f.lostResponseMode() == Faults.LostResponseMode.SERVER_ERROR) {
                send(ex, 500, Envelopes.error(500, "internal server error"));
            } else {
                ex.close(); // no answer was started: closing the exchange drops the connection
            }
            return;
        }
        ObjectNode data = Json.MAPPER.createObjectNode().put("taskId", task.id);
        send(ex, 200, Envelopes.ok(data));
    }

    private SimTask newTask(String key, CreateRequestReader.CreateRequest request, long now, long epoch) {
        GenerationInput in = request.input();
        String[] failure = failureFor(in);
        long payloadHash = hash64(request.canonical());
        GenerationTimes.Times t = times.timesFor(in, payloadHash, failure != null);
        String id = taskId(taskCounter.incrementAndGet());
        long start = now + t.pendingMs();
        return new SimTask(id, key, config.model, now, start, start + t.processingMs(),
                failure == null ? null : failure[0], failure == null ? null : failure[1], request.callbackUrl(), in, epoch);
    }

    /** The documented fail triggers, or null for a task that succeeds. */
    static String[] failureFor(GenerationInput in) {
        if (in.prompt() != null && in.prompt().contains(VIOLATION_MARKER)) {
            return new String[] {"CONTENT_VIOLATION", "The prompt was rejected by content moderation"};
        }
        if (in.imageUrls() != null && in.imageUrls().stream().anyMatch(u -> u != null && u.contains(INVALID_IMAGE_MARKER))) {
            return new String[] {"INVALID_IMAGE_URL", "The image could not be downloaded or is not a JPG, PNG or WebP under 10 MB"};
        }
        if (in.loras() != null && in.loras().stream().map(Lora::path).anyMatch(p -> p != null && p.contains(INVALID_LORA_MARKER))) {
            return new String[] {"INVALID_LORA_URL", "A LoRA could not be downloaded"};
        }
        return null;
    }

    private void handleStatus(HttpExchange ex, String key, Faults f, long now) {
        String taskId = queryParam(ex.getRequestURI().getRawQuery(), "taskId");
        if (taskId == null || taskId.isBlank()) {
            state.count(SimulatorState.Count.BAD_REQUESTS);
            send(ex, 400, Envelopes.error(400, "taskId: is required"));
            return;
        }
        SimTask task = state.statusCall(key, taskId, now);
        if (task == null) {
            state.count(SimulatorState.Count.NOT_FOUND);
            send(ex, 404, Envelopes.error(404, "task not found: " + taskId));
            return;
        }
        if (dice.roll(FaultDice.Stream.MALFORMED, f.malformedStatusRate())) {
            state.count(SimulatorState.Count.MALFORMED);
            List<Faults.MalformedKind> kinds = f.malformedKinds().isEmpty()
                    ? Arrays.asList(Faults.MalformedKind.values()) : f.malformedKinds();
            Faults.MalformedKind kind = kinds.get(dice.pick(FaultDice.Stream.MALFORMED_KIND, kinds.size()));
            sendMalformed(ex, task, kind, now);
            return;
        }
        send(ex, 200, Envelopes.ok(task.statusData(now)));
    }

    private void sendMalformed(HttpExchange ex, SimTask task, Faults.MalformedKind kind, long now) {
        switch (kind) {
            case NOT_JSON -> send(ex, 200, "text/html", "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8));
            case MISSING_DATA -> send(ex, 200, Json.MAPPER.createObjectNode().put("code", 200).put("message", "success"));
            case UNKNOWN_STATE -> send(ex, 200, Envelopes.ok(task.statusData(now).put("state", "queued")));
            case RESULT_NOT_JSON -> send(ex, 200, Envelopes.ok(task.statusData(now).put("state", "success")
                    .put("resultJson", "{resultUrls: [https://broken")));
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
    }

    // ---- admin ----

    private void handleAdmin(HttpExchange ex, String what) throws IOException {
        byte[] body = readBody(ex);
        String method = ex.getRequestMethod();
        if (what.equals("stats") && method.equals("GET")) {
            ObjectNode stats = Json.MAPPER.valueToTree(stats());
            if ("false".equals(queryParam(ex.getRequestURI().getRawQuery(), "tasks"))) {
                stats.remove("tasks"); // large with many tasks; the aggregates stay
            }
            sendJson(ex, 200, stats);
        } else if (what.equals("faults") && method.equals("GET")) {
            sendJson(ex, 200, Json.MAPPER.valueToTree(faults.get()));
        } else if (what.equals("faults") && method.equals("POST")) {
            try {
                setFaults(faults.get().withChanges(new String(body, StandardCharsets.UTF_8)));
                sendJson(ex, 200, Json.MAPPER.valueToTree(faults.get()));
            } catch (IllegalArgumentException e) {
                sendJson(ex, 400, Envelopes.error(400, "faults: " + e.getMessage()));
            }
        } else if (what.equals("reset") && method.equals("POST")) {
            reset();
            sendJson(ex, 200, Envelopes.ok(null));
        } else {
            sendJson(ex, 404, Envelopes.error(404, "no such admin endpoint: " + what));
        }
    }

    // ---- helpers ----

    private static long latency(Faults f, Endpoint endpoint) {
        return endpoint == Endpoint.CREATE ? f.createLatencyMs() : f.statusLatencyMs();
    }

    private void sendTooMany(HttpExchange ex, int retryAfterSeconds, String message) {
        ex.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        send(ex, 429, Envelopes.error(429, message));
    }

    /** Answers an API call, after the latency fault's delay if there is one. */
    private void send(HttpExchange ex, int status, JsonNode body) {
        send(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void send(HttpExchange ex, int status, String contentType, byte[] bytes) {
        Object delay = ex.getAttribute(LATENCY_ATTRIBUTE);
        if (delay instanceof Long ms && ms > 0) {
            later(() -> sendRaw(ex, status, contentType, bytes), ms);
        } else {
            sendRaw(ex, status, contentType, bytes);
        }
    }

    private void sendJson(HttpExchange ex, int status, JsonNode body) {
        sendRaw(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sendRaw(HttpExchange ex, int status, String contentType, byte[] bytes) {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            log.debug("could not send answer: {}", e.toString()); // the client went away
        }
    }

    private void later(Runnable r, long delayMs) {
        try {
            scheduler.schedule(r, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // stopping: the connection is closed by the server anyway
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static String bearerKey(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = auth.substring(7).trim();
        return key.isEmpty() ? null : key;
    }

    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private String taskId(long n) {
        return String.format("%016x%016x", FaultDice.mix(config.seed ^ 0x5DEECE66DL), FaultDice.mix(config.seed + n));
    }

    private static long hash64(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return FaultDice.mix(h);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configuration of a simulator; every setter returns this. */
    public static final class Builder {
        private int port;
        private Set<String> apiKeys = Set.of(DEFAULT_API_KEY);
        private Set<String> forbiddenKeys = Set.of();
        private String model = ContractLimits.DEFAULT_MODEL;
        private double timeScale = 1.0;
        private Duration fixedGenerationTime;
        private long seed = 42;
        private boolean limitsEnabled = true;
        private int callsPerWindow = ContractLimits.CALLS_PER_MINUTE;
        private int maxConcurrentTasks = ContractLimits.CONCURRENT_TASKS;
        private Duration rateWindow = Duration.ofMinutes(1);
        private Faults faults = Faults.NONE;
        private Clock clock = Clock.systemUTC();
        private int threads = 8;

        private Builder() {
        }

        /** Port to bind on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The valid API keys (default {@value #DEFAULT_API_KEY}). */
        public Builder apiKeys(String... keys) {
            this.apiKeys = Set.of(keys);
            return this;
        }

        public Builder apiKey(String key) {
            return apiKeys(key);
        }

        /** Keys answered with 403 instead of 401. */
        public Builder forbiddenKeys(String... keys) {
            this.forbiddenKeys = Set.of(keys);
            return this;
        }

        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Factor applied to every contract time (generation, callback deadline and retries); 0.01 makes 60 s into 0.6 s. */
        public Builder timeScale(double scale) {
            if (!(scale > 0)) {
                throw new IllegalArgumentException("timeScale must be > 0, was " + scale);
            }
            this.timeScale = scale;
            return this;
        }

        /** Every task takes exactly this long from create to completion (10 % pending), not scaled. */
        public Builder fixedGenerationTime(Duration total) {
            this.fixedGenerationTime = total;
            return this;
        }

        /** Tasks stay pending/processing for a day: for heap benchmarks with many outstanding tasks. */
        public Builder longGeneration() {
            return fixedGenerationTime(Duration.ofDays(1));
        }

        /** Seed of generation times, fault decisions and task ids. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder limitsEnabled(boolean enabled) {
            this.limitsEnabled = enabled;
            return this;
        }

        /** Calls one key may make per rate window (default 10,000). */
        public Builder callsPerMinute(int calls) {
            this.callsPerWindow = positive("callsPerMinute", calls);
            return this;
        }

        /** Tasks one key may have pending or processing (default 1,000). */
        public Builder maxConcurrentTasks(int tasks) {
            this.maxConcurrentTasks = positive("maxConcurrentTasks", tasks);
            return this;
        }

        /** Length of the sliding rate window (default 60 s, not scaled). */
        public Builder rateWindow(Duration window) {
            if (window.toMillis() < 100) {
                throw new IllegalArgumentException("rateWindow must be at least 100 ms");
            }
            this.rateWindow = window;
            return this;
        }

        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** The wall clock of task times and limit windows (timers still run in real time). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Request-handling threads (default 8). */
        public Builder threads(int threads) {
            this.threads = positive("threads", threads);
            return this;
        }

        public ApiSimulator build() {
            if (apiKeys.isEmpty()) {
                throw new IllegalArgumentException("at least one API key is needed");
            }
            List<String> both = new ArrayList<>(apiKeys);
            both.retainAll(forbiddenKeys);
            if (!both.isEmpty()) {
                throw new IllegalArgumentException("a key cannot be both valid and forbidden");
            }
            return new ApiSimulator(this);
        }

        private static int positive(String name, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, was " + v);
            }
            return v;
        }
    }
}
