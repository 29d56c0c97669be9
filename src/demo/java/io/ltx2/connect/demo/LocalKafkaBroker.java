package io.ltx2.connect.demo;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka (combined broker and controller) in its own JVM, from the jars of a
 * Kafka distribution, listening on 127.0.0.1 only. Replication factors are 1, transactions work
 * (for exactly-once source).
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final int port;
    private final KafkaRuntime runtime;
    private final Path runDir;
    private final List<String> jvmArgs;
    private final Path config;
    private JavaProcess process;

    private LocalKafkaBroker(JavaProcess process, int port, KafkaRuntime runtime, Path runDir, List<String> jvmArgs, Path config) {
        this.process = process;
        this.port = port;
        this.runtime = runtime;
        this.runDir = runDir;
        this.jvmArgs = jvmArgs;
        this.config = config;
    }

    /**
     * Formats a fresh log folder under {@code runDir/kafka} and starts the broker; returns once it answers.
     * Kafka 3.9 and 4.x format a single-node dynamic quorum with {@code StorageTool format --standalone}
     * (KIP-853, since 3.9) from {@code controller.quorum.bootstrap.servers}; 3.7 and 3.8 have no dynamic
     * quorum, so the one voter is named in {@code controller.quorum.voters} and formatted without
     * {@code --standalone}. The logging differs too ({@link KafkaRuntime#jvmArgs}). Settings a version does
     * not know (the share coordinator's before 4.0) are ignored by it.
     */
    public static LocalKafkaBroker start(KafkaRuntime runtime, Path runDir) {
        int brokerPort = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        Path dataDir = runDir.resolve("kafka");
        Path config = runDir.resolve("server.properties");

        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        boolean dynamicQuorum = runtime.atLeast(3, 9);
        if (dynamicQuorum) {
            props.put("controller.quorum.bootstrap.servers", FreePorts.LOOPBACK + ":" + controllerPort);
        } else {
            props.put("controller.quorum.voters", "1@" + FreePorts.LOOPBACK + ":" + controllerPort);
        }
        props.put("listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPort + ",CONTROLLER://" + FreePorts.LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        DemoFiles.writeProperties(config, props, "single-node KRaft broker of an ltx2-kafka-connect demo or test run");

        try {
            DemoFiles.deleteRecursively(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> jvm = runtime.jvmArgs(runDir);
        List<String> formatArgs = new ArrayList<>(List.of("format", "-t", newClusterId(), "-c", config.toString()));
        if (dynamicQuorum) {
            formatArgs.add(1, "--standalone");
        }
        JavaProcess format = JavaProcess.start("kafka-format", runDir, runtime.classpath(), jvm, "kafka.tools.StorageTool", formatArgs);
        int exit = format.waitFor(FORMAT_TIMEOUT);
        if (exit != 0) {
            throw new IllegalStateException("formatting the Kafka log folder failed (exit " + exit + "):\n"
                    + JavaProcess.tail(format.logFile(), 30));
        }

        LocalKafkaBroker result = new LocalKafkaBroker(null, brokerPort, runtime, runDir, jvm, config);
        result.run();
        return result;
    }

    private void run() {
        process = JavaProcess.start("kafka", runDir, runtime.classpath(), jvmArgs, "kafka.Kafka", List.of(config.toString()));
        try {
            FreePorts.await("Kafka broker on port " + port, READY_TIMEOUT, process::checkAlive, this::answers);
        } catch (RuntimeException e) {
            process.stop();
            throw e;
        }
    }

    /** Stops the broker (gracefully) and starts it again on the same port and log folder; returns once it answers. */
    public void restart() {
        process.stop();
        run();
    }

    public String bootstrapServers() {
        return FreePorts.LOOPBACK + ":" + port;
    }

    public JavaProcess process() {
        return process;
    }

    /** True once the broker is registered and serves metadata, not merely listening. */
    private boolean answers() {
        if (!FreePorts.isListening(port)) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.stop();
    }

    /**
     * 16 random bytes, base64url: a KRaft cluster id. Never one that starts with '-', which the storage
     * tool's argument parser takes for an option ("argument --cluster-id/-t: expected one argument"),
     * as Kafka's own {@code Uuid.randomUuid()} avoids: one start in 64 failed that way.
     */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }
}
