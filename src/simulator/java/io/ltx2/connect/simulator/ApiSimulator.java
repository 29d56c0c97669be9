package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A local stand-in for the APIXO API of LTX-2 19B, faithful to {@code api-contract.md}; its
 * behaviour is described in the package documentation. It binds to 127.0.0.1 only, and serves
 * HTTP, or HTTPS when built with {@link SimulatorSettings#tls(javax.net.ssl.SSLContext)}.
 *
 * <pre>{@code
 * try (ApiSimulator sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).build().start()) {
 *     String url = sim.baseUrl();   // http://127.0.0.1:PORT/api/v1, for ltx.api.url
 * }
 * }</pre>
 *
 * <p>This class is the simulator's lifecycle and wiring: an API call goes through the
 * {@link ApiRouter}, the {@link CallGates} (route, method, auth, limits, faults) and then the
 * {@link CreateHandler} or the {@link StatusHandler}; {@code /_sim/...} goes to the
 * {@link AdminHandler}. Tasks, windows and counters are in {@link SimulatorState}; what changes at
 * run time (faults, storm, limits switch) is in {@link LiveControls}.
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
    /**
     * A prompt holding this is refused at create with 403 and a body saying the content violates the
     * policy ({@code data.errorCode} {@code SensitiveContentDetected}), as the vendor's errors page
     * describes 403; a forbidden key's 403 differs only by its body.
     */
    public static final String FORBIDDEN_CONTENT_MARKER = "#forbidden-content";
    /**
     * {@code #fail:<CODE>} in a prompt fails its task with that fail code and the vendor's message
     * (any code: an unknown one is used as given); {@code #fail:<CODE>:<N>} fails only the first N
     * tasks created with that exact payload, so that resubmitting it succeeds afterwards.
     */
    public static final String FAIL_MARKER = "#fail:";
    public static final String DEFAULT_API_KEY = "sim-api-key";

    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final SimulatorConfig config;
    private final Clock clock;
    private final SimulatorState state;
    private final GenerationTimes times;
    private final FaultDice dice;
    private final LiveControls controls;
    private final TaskPlanner planner;
    private final ResultFiles results;

    private HttpServer server;
    /** The current run's, for dropping hung calls on reset; null before the first start. */
    private volatile Responder responder;
    private ExecutorService requestExecutor;
    private ScheduledExecutorService scheduler;
    private ExecutorService callbackExecutor;

    private ApiSimulator(SimulatorConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.state = new SimulatorState(config.rateWindow().toMillis(), config.billing().balanceSeconds());
        this.times = new GenerationTimes(config.timeScale(), config.fixedGenerationTime(), config.seed());
        this.dice = new FaultDice(config.seed());
        this.controls = new LiveControls(clock, config.limitsEnabled());
        this.planner = new TaskPlanner(config.model(), config.seed(), times, config.results().perTask(), dice);
        this.results = new ResultFiles(state, clock, config.results());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 on the configured port (0 = a free one) and starts serving. */
    public synchronized ApiSimulator start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        requestExecutor = Executors.newFixedThreadPool(config.threads(), daemon("ltx-sim-http"));
        ScheduledThreadPoolExecutor sched = new ScheduledThreadPoolExecutor(2, daemon("ltx-sim-timer"));
        sched.setRemoveOnCancelPolicy(true);
        scheduler = sched;
        callbackExecutor = Executors.newFixedThreadPool(2, daemon("ltx-sim-callback"));
        responder = new Responder(scheduler);
        CallbackSender callbacks = new CallbackSender(state, scheduler, callbackExecutor, clock, dice, controls::faults, times);
        ApiRouter router = new ApiRouter(new AdminHandler(this),
                new CallGates(config, state, dice, controls, responder),
                new CreateHandler(config, state, dice, controls, planner, callbacks, responder),
                new StatusHandler(state, dice, responder), new BalanceHandler(state, config.billing().pricePerSecond(), responder),
                results, responder);
        setFaults(config.faults());
        disableNagleUnlessChosen();
        server = createServer();
        server.setExecutor(requestExecutor);
        server.createContext("/", router);
        server.start();
        planner.origin(origin());
        log.info("APIXO simulator listening on {} (time scale {}, seed {}, limits {}{})", baseUrl(), config.timeScale(),
                config.seed(), controls.limitsEnabled() ? "on" : "off",
                config.tls() != null && config.tls().needClientAuth() ? ", client certificate required" : "");
        return this;
    }

    /** An HTTPS server when TLS is configured, else HTTP; on 127.0.0.1 either way. */
    private HttpServer createServer() throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port());
        if (config.tls() == null) {
            return HttpServer.create(address, 1024);
        }
        HttpsServer https = HttpsServer.create(address, 1024);
        https.setHttpsConfigurator(config.tls().configurator());
        return https;
    }

    /**
     * The JDK server writes headers and body separately; with Nagle's algorithm on, the body waits
     * for the client's delayed ACK: about 45 ms a call instead of 1 ms. The JDK reads this property
     * once, when the JVM's first {@code HttpServer} is created, so it is set here, just before ours,
     * unless someone set it already; a simulator started after another JDK server in the same JVM
     * keeps that server's setting.
     */
    private static void disableNagleUnlessChosen() {
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    /** The port bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The API base URL, for {@code ltx.api.url}: {@code http://127.0.0.1:PORT/api/v1}, or https when serving TLS. */
    public String baseUrl() {
        return origin() + API_PREFIX;
    }

    /** The admin base: {@code http://127.0.0.1:PORT/_sim}, or https when serving TLS. */
    public String adminUrl() {
        return origin() + "/_sim";
    }

    /** Whether it serves HTTPS. */
    public boolean tls() {
        return config.tls() != null;
    }

    private String origin() {
        return (tls() ? "https" : "http") + "://127.0.0.1:" + port();
    }

    public String model() {
        return config.model();
    }

    public double timeScale() {
        return config.timeScale();
    }

    /** Result downloads served, their bytes, and those refused as expired. */
    public ResultFiles.Counts resultDownloads() {
        return results.counts();
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
        return controls.faults();
    }

    /** Replaces the faults; a storm in them starts now. */
    public void setFaults(Faults newFaults) {
        controls.setFaults(newFaults);
    }

    public void updateFaults(UnaryOperator<Faults> change) {
        controls.updateFaults(change);
    }

    public void setLimitsEnabled(boolean enabled) {
        controls.setLimitsEnabled(enabled);
    }

    /** Seconds of video the balance has left, or null when it is unlimited. */
    public Long balanceSeconds() {
        return state.balanceSeconds();
    }

    /** Sets the balance in seconds of video; null makes it unlimited. */
    public void setBalanceSeconds(Long seconds) {
        state.setBalanceSeconds(seconds);
    }

    /** Adds seconds of video to a limited balance (an unlimited one stays unlimited). */
    public void topUpSeconds(long seconds) {
        state.topUpSeconds(seconds);
    }

    /** USD per second of video, as the balance endpoint prices the seconds left. */
    public double pricePerSecond() {
        return config.billing().pricePerSecond();
    }

    /** Forgets tasks and counters and restores the build-time faults and balance. */
    public void reset() {
        state.reset();
        dropHungCalls();
        setFaults(config.faults());
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
        Responder current = responder;
        if (current != null) {
            current.dropHungCalls();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Configuration of a simulator; every setter (see {@link SimulatorSettings}) returns this.
     * {@link #build()} fails when the settings contradict each other.
     */
    public static final class Builder extends SimulatorSettings<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        public ApiSimulator build() {
            return new ApiSimulator(toConfig());
        }
    }
}
