package io.ltx2.connect.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the demo (and {@code RealWorkerIT}) runs against: a Kafka broker, a Connect worker with the
 * packaged plugin on its {@code plugin.path}, and the API simulator, each in its own JVM, unless
 * the settings name an existing one. {@link #close} stops exactly the processes it started, worker
 * first, and is safe to call twice (from the code and from a shutdown hook).
 */
public final class DemoEnvironment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoEnvironment.class);

    /**
     * @param runDir          folder for configs, logs, PID files and Kafka data of this run
     * @param runtimeDir      Kafka distribution jars, 3.7 to 4.4 (needed only to start a broker or worker)
     * @param pluginZip       the plugin archive (needed only to start a worker)
     * @param workerTemplate  the worker properties to start from ({@code config/worker-distributed.properties})
     * @param bootstrap       an existing Kafka cluster, or null to start one
     * @param connectUrl      an existing Connect cluster's REST URL, or null to start a worker
     * @param apiUrl          an existing API (the real one or a remote simulator), or null to start the simulator
     * @param timeScale       the simulator's time scale (1 = real durations)
     * @param simulatorApiKey the key the started simulator accepts
     */
    public record Settings(Path runDir, Path runtimeDir, Path pluginZip, Path workerTemplate, String bootstrap,
                           String connectUrl, String apiUrl, double timeScale, String simulatorApiKey) {
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<JavaProcess> processes = new ArrayList<>();
    private String bootstrapServers;
    private ConnectRestClient connect;
    private String apiUrl;
    private LocalSimulator simulator;
    private boolean closed;

    private DemoEnvironment() {
    }

    /** Starts what the settings do not name; on failure stops what it had started and rethrows. */
    public static DemoEnvironment start(Settings settings, Consumer<String> say) {
        return start(settings, List.of(), say);
    }

    /**
     * The same, with {@code workerJvmArgs} added to the started worker's JVM options (a test's JMX agent);
     * the broker and worker come from {@code runtimeDir}, a Kafka 3.7 to 4.4 distribution's jars.
     */
    public static DemoEnvironment start(Settings settings, List<String> workerJvmArgs, Consumer<String> say) {
        DemoEnvironment env = new DemoEnvironment();
        try {
            env.startAll(settings, workerJvmArgs, say);
            return env;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private void startAll(Settings s, List<String> workerJvmArgs, Consumer<String> say) {
        JavaProcess.stopLeftovers(s.runDir());
        if (s.apiUrl() == null) {
            Path log4j = DemoFiles.writeLog4jConfig(s.runDir());
            long t0 = System.nanoTime();
            simulator = add(LocalSimulator.start(s.runDir(), log4j, s.timeScale(), s.simulatorApiKey()), LocalSimulator::process);
            apiUrl = simulator.apiUrl();
            say.accept(String.format("API simulator      %s  (time scale %s, pid %d, %.1f s)", apiUrl, s.timeScale(),
                    simulator.process().pid(), seconds(t0)));
        } else {
            apiUrl = s.apiUrl();
            say.accept("API                " + apiUrl);
        }

        KafkaRuntime runtime = s.bootstrap() == null || s.connectUrl() == null ? new KafkaRuntime(s.runtimeDir()) : null;
        if (s.bootstrap() == null) {
            long t0 = System.nanoTime();
            LocalKafkaBroker broker = add(LocalKafkaBroker.start(runtime, s.runDir()), LocalKafkaBroker::process);
            bootstrapServers = broker.bootstrapServers();
            say.accept(String.format("Kafka broker       %s  (Kafka %s, KRaft, pid %d, %.1f s)", bootstrapServers,
                    runtime.version(), broker.process().pid(), seconds(t0)));
        } else {
            bootstrapServers = s.bootstrap();
            say.accept("Kafka              " + bootstrapServers);
        }

        if (s.connectUrl() == null) {
            long t0 = System.nanoTime();
            Path pluginPath = s.runDir().resolve("plugins");
            Path plugin = PluginArchive.unpack(s.pluginZip(), pluginPath);
            LocalConnectWorker worker = add(LocalConnectWorker.start(runtime, s.runDir(), s.workerTemplate(),
                    bootstrapServers, pluginPath, workerJvmArgs), LocalConnectWorker::process);
            connect = worker.rest();
            say.accept(String.format("Connect worker     %s  (Kafka %s, plugin %s, pid %d, %.1f s)", connect.baseUrl(),
                    runtime.version(), plugin.getFileName(), worker.process().pid(), seconds(t0)));
        } else {
            connect = new ConnectRestClient(s.connectUrl());
            if (!connect.healthy()) {
                throw new IllegalStateException("the Connect cluster at " + s.connectUrl()
                        + " does not answer GET /health (before Kafka 3.9: GET /connectors) with 200");
            }
            say.accept("Connect            " + connect.baseUrl());
        }
    }

    private <T extends AutoCloseable> T add(T component, Function<T, JavaProcess> process) {
        started.add(component);
        processes.add(process.apply(component));
        return component;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public ConnectRestClient connect() {
        return connect;
    }

    public String apiUrl() {
        return apiUrl;
    }

    public Optional<LocalSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    /** The child JVMs this environment started (empty when everything was given). */
    public List<JavaProcess> processes() {
        return List.copyOf(processes);
    }

    /** Stops the started processes, last started first (worker, broker, simulator). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("Could not stop {}: {}", started.get(i), e.toString());
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
