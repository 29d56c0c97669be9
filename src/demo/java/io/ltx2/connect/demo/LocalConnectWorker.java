package io.ltx2.connect.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A distributed Connect worker ({@code ConnectDistributed}) in its own JVM, configured from the
 * project's example {@code config/worker-distributed.properties} with only the addresses, the
 * {@code plugin.path} and the replication factors changed. Ready when {@code GET /health} answers 200
 * (before Kafka 3.9: {@code GET /connectors}).
 */
public final class LocalConnectWorker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final JavaProcess process;
    private final ConnectRestClient rest;

    private LocalConnectWorker(JavaProcess process, ConnectRestClient rest) {
        this.process = process;
        this.rest = rest;
    }

    public static LocalConnectWorker start(KafkaRuntime runtime, Path runDir, Path workerTemplate, String bootstrapServers,
                                           Path pluginPath) {
        return start(runtime, runDir, workerTemplate, bootstrapServers, pluginPath, List.of());
    }

    /**
     * Starts a worker with {@code extraJvmArgs} on top of the usual ones (a test's JMX agent, say); returns
     * once it is ready: {@code GET /health} answers 200, or, on a worker before Kafka 3.9 that has no
     * such endpoint, {@code GET /connectors} does ({@link ConnectRestClient#healthy}).
     */
    public static LocalConnectWorker start(KafkaRuntime runtime, Path runDir, Path workerTemplate, String bootstrapServers,
                                           Path pluginPath, List<String> extraJvmArgs) {
        int port = FreePorts.pick();
        Map<String, String> props = new LinkedHashMap<>();
        DemoFiles.readProperties(workerTemplate).forEach((k, v) -> props.put((String) k, (String) v));
        props.put("bootstrap.servers", bootstrapServers);
        props.put("listeners", "http://" + FreePorts.LOOPBACK + ":" + port);
        props.put("rest.advertised.host.name", FreePorts.LOOPBACK);
        props.put("rest.advertised.port", Integer.toString(port));
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.flush.interval.ms", "2000");
        Path config = runDir.resolve("worker.properties");
        DemoFiles.writeProperties(config, props, "Connect worker of an ltx2-kafka-connect demo or test run, from " + workerTemplate);

        List<String> jvm = new ArrayList<>(runtime.jvmArgs(runDir));
        jvm.addAll(extraJvmArgs);
        JavaProcess worker = JavaProcess.start("connect", runDir, runtime.classpath(), jvm,
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()));
        ConnectRestClient rest = new ConnectRestClient("http://" + FreePorts.LOOPBACK + ":" + port);
        try {
            FreePorts.await("Connect worker on port " + port, READY_TIMEOUT, worker::checkAlive, rest::healthy);
        } catch (RuntimeException e) {
            worker.stop();
            throw e;
        }
        return new LocalConnectWorker(worker, rest);
    }

    public ConnectRestClient rest() {
        return rest;
    }

    public JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop();
    }
}
