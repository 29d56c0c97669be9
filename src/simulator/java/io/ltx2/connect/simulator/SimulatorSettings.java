package io.ltx2.connect.simulator;

import io.ltx2.connect.api.ContractLimits;

import javax.net.ssl.SSLContext;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a simulator with their defaults and range checks, set fluently: every setter
 * returns the builder ({@code B}). Public callers use its one subclass, {@link ApiSimulator.Builder};
 * {@link #toConfig()} freezes the settings into a {@link SimulatorConfig}.
 *
 * @param <B> the builder type the setters return
 */
abstract class SimulatorSettings<B extends SimulatorSettings<B>> {
    private int port;
    private Set<String> apiKeys = Set.of(ApiSimulator.DEFAULT_API_KEY);
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
    private boolean errorsAsHttp200;
    private Clock clock = Clock.systemUTC();
    private int threads = 8;
    private ServerTls tls;
    private SimulatorConfig.Results results = SimulatorConfig.Results.DEFAULT;
    private SimulatorConfig.Billing billing = SimulatorConfig.Billing.DEFAULT;

    /** This builder, typed as the subclass. */
    abstract B self();

    /** Port to bind on 127.0.0.1; 0 (the default) picks a free one. */
    public B port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        return self();
    }

    /** The valid API keys (default {@value ApiSimulator#DEFAULT_API_KEY}). */
    public B apiKeys(String... keys) {
        this.apiKeys = Set.of(keys);
        return self();
    }

    public B apiKey(String key) {
        return apiKeys(key);
    }

    /** Keys answered with 403 instead of 401. */
    public B forbiddenKeys(String... keys) {
        this.forbiddenKeys = Set.of(keys);
        return self();
    }

    public B model(String model) {
        this.model = Objects.requireNonNull(model, "model");
        return self();
    }

    /** Factor applied to every contract time (generation, callback deadline and retries); 0.01 makes 60 s into 0.6 s. */
    public B timeScale(double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0, was " + scale);
        }
        this.timeScale = scale;
        return self();
    }

    /** Every task takes exactly this long from create to completion (10 % pending), not scaled. */
    public B fixedGenerationTime(Duration total) {
        this.fixedGenerationTime = total;
        return self();
    }

    /** Tasks stay pending/processing for a day: for heap benchmarks with many outstanding tasks. */
    public B longGeneration() {
        return fixedGenerationTime(Duration.ofDays(1));
    }

    /** Seed of generation times, fault decisions and task ids. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    public B limitsEnabled(boolean enabled) {
        this.limitsEnabled = enabled;
        return self();
    }

    /** Calls one key may make per rate window (default 10,000). */
    public B callsPerMinute(int calls) {
        this.callsPerWindow = positive("callsPerMinute", calls);
        return self();
    }

    /** Tasks one key may have pending or processing (default 1,000). */
    public B maxConcurrentTasks(int tasks) {
        this.maxConcurrentTasks = positive("maxConcurrentTasks", tasks);
        return self();
    }

    /** Length of the sliding rate window (default 60 s, not scaled). */
    public B rateWindow(Duration window) {
        if (window.toMillis() < 100) {
            throw new IllegalArgumentException("rateWindow must be at least 100 ms");
        }
        this.rateWindow = window;
        return self();
    }

    public B faults(Faults faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
        return self();
    }

    /**
     * Every error answer of the API as HTTP 200 with the status in the envelope's {@code code}, as some
     * gateways answer; sets {@link Faults#errorsAsHttp200()} in the build-time faults, whatever
     * {@link #faults} says (it can be switched at run time like any fault).
     */
    public B errorsAsHttp200(boolean enabled) {
        this.errorsAsHttp200 = enabled;
        return self();
    }

    /** The wall clock of task times and limit windows (timers still run in real time). */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** Request-handling threads (default 8). */
    public B threads(int threads) {
        this.threads = positive("threads", threads);
        return self();
    }

    /**
     * Serves HTTPS instead of HTTP with this context (its key and certificate; {@link #baseUrl} then
     * says https). No client certificate is asked for.
     */
    public B tls(SSLContext context) {
        this.tls = new ServerTls(context, false);
        return self();
    }

    /** Serves HTTPS and refuses, in the handshake, a client without a certificate the context trusts. */
    public B tlsRequiringClientCertificate(SSLContext context) {
        this.tls = new ServerTls(context, true);
        return self();
    }

    /** Size in bytes of each result file a successful task serves (default 1 MiB). */
    public B resultBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("resultBytes must be >= 0, was " + bytes);
        }
        results = new SimulatorConfig.Results(bytes, results.ttl(), results.perTask(), results.bytesPerSecond());
        return self();
    }

    /** How long after a task's completion its result URLs answer; then 410 Gone (default 24 h, not scaled). */
    public B resultTtl(Duration ttl) {
        results = new SimulatorConfig.Results(results.bytes(), Objects.requireNonNull(ttl, "ttl"), results.perTask(), results.bytesPerSecond());
        return self();
    }

    /** Result URLs (videos) per successful task (default 1). */
    public B resultsPerTask(int n) {
        results = new SimulatorConfig.Results(results.bytes(), results.ttl(), positive("resultsPerTask", n), results.bytesPerSecond());
        return self();
    }

    /** Bandwidth of each result download in bytes per second, like a CDN's per connection (default 0: unlimited). */
    public B resultBytesPerSecond(long rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("resultBytesPerSecond must be >= 0, was " + rate);
        }
        results = new SimulatorConfig.Results(results.bytes(), results.ttl(), results.perTask(), rate);
        return self();
    }

    /**
     * The account's balance in seconds of video (default null: unlimited). Each accepted create takes
     * its duration from it; a create longer than what is left is answered 402 and creates nothing.
     */
    public B balanceSeconds(Long seconds) {
        if (seconds != null && seconds < 0) {
            throw new IllegalArgumentException("balanceSeconds must be >= 0, was " + seconds);
        }
        billing = new SimulatorConfig.Billing(seconds, billing.pricePerSecond());
        return self();
    }

    /** USD per second of video, for the balance endpoint's answer in USD (default {@value SimulatorConfig.Billing#DEFAULT_PRICE_PER_SECOND}). */
    public B pricePerSecond(double usd) {
        if (!(usd >= 0) || Double.isInfinite(usd)) {
            throw new IllegalArgumentException("pricePerSecond must be >= 0, was " + usd);
        }
        billing = new SimulatorConfig.Billing(billing.balanceSeconds(), usd);
        return self();
    }

    /** The settings as they are now; fails when they contradict each other (no key, a key both valid and forbidden). */
    SimulatorConfig toConfig() {
        return new SimulatorConfig(port, apiKeys, forbiddenKeys, model, timeScale, fixedGenerationTime, seed,
                limitsEnabled, callsPerWindow, maxConcurrentTasks, rateWindow,
                errorsAsHttp200 ? faults.withErrorsAsHttp200(true) : faults, clock, threads, tls, results, billing);
    }

    private static int positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + v);
        }
        return v;
    }
}
