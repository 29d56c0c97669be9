package io.ltx2.connect.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a simulator was built with ({@link ApiSimulator.Builder}), frozen: the running parts read
 * it, and a later change to the builder does not reach them. {@code limitsEnabled} and
 * {@code faults} are the initial values; {@link LiveControls} holds the current ones.
 *
 * @param port                the port to bind on 127.0.0.1; 0 picks a free one
 * @param apiKeys             the valid Bearer keys
 * @param forbiddenKeys       keys answered with 403 instead of 401
 * @param model               the model id of both endpoints
 * @param timeScale           factor on every contract time
 * @param fixedGenerationTime create-to-completion time of every task (not scaled), or null for the contract's times
 * @param seed                seed of generation times, fault decisions and task ids
 * @param limitsEnabled       whether the rate and concurrency limits apply at start
 * @param callsPerWindow      calls one key may make per rate window
 * @param maxConcurrentTasks  tasks one key may have pending or processing
 * @param rateWindow          length of the sliding rate window (not scaled)
 * @param faults              the faults at start and after a reset
 * @param clock               the clock of task times and limit windows
 * @param threads             request-handling threads
 * @param tls                 how to serve HTTPS, or null for HTTP
 * @param results             the result files' size, lifetime and number per task
 * @param billing             the account's balance at start and the price per second of video
 */
record SimulatorConfig(int port, Set<String> apiKeys, Set<String> forbiddenKeys, String model, double timeScale,
                       Duration fixedGenerationTime, long seed, boolean limitsEnabled, int callsPerWindow,
                       int maxConcurrentTasks, Duration rateWindow, Faults faults, Clock clock, int threads,
                       ServerTls tls, Results results, Billing billing) {

    /**
     * The result files a successful task's URLs serve ({@link ResultFiles}).
     *
     * @param bytes   size of each file
     * @param ttl     how long after the task's completion its URLs answer (then 410), not scaled
     * @param perTask result URLs per task
     * @param bytesPerSecond bandwidth of one download (a CDN's per connection); 0 for as fast as it goes
     */
    record Results(long bytes, Duration ttl, int perTask, long bytesPerSecond) {
        static final Results DEFAULT = new Results(1024 * 1024, Duration.ofHours(24), 1, 0);
    }

    /**
     * What the account can buy. The vendor documents no price for LTX-2 19B; the default of 5 US
     * cents per second of video (50 cents for the default 10 s) is a plausible figure, not a quote.
     *
     * @param balanceSeconds seconds of video at start and after a reset; null for no limit
     * @param pricePerSecond USD per second of video, to answer the balance in USD
     */
    record Billing(Long balanceSeconds, double pricePerSecond) {
        static final double DEFAULT_PRICE_PER_SECOND = 0.05;
        static final Billing DEFAULT = new Billing(null, DEFAULT_PRICE_PER_SECOND);
    }


    SimulatorConfig {
        apiKeys = Set.copyOf(apiKeys);
        forbiddenKeys = Set.copyOf(forbiddenKeys);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rateWindow, "rateWindow");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(billing, "billing");
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
        List<String> both = new ArrayList<>(apiKeys);
        both.retainAll(forbiddenKeys);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("a key cannot be both valid and forbidden");
        }
    }
}
