package io.ltx2.connect.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Kafka broker that the real-worker crash tests of one test JVM share ({@code WorkerKillIT},
 * {@code CrashWindowIT}, {@code ArchiveCrashIT}): a separate JVM from the jars of
 * {@code ltx.kafka.runtime.dir}, started by the first class that asks and stopped with the test JVM
 * (JavaProcess stops its children on exit). Each class runs a Connect cluster of its own on it: its
 * own group and internal topics ({@link #workerTemplate}), topics and connectors named after it. A
 * broker start costs about 10 s on 2 cores; the tests kill workers, never the broker.
 */
final class SharedBroker {
    private static LocalKafkaBroker broker;

    private SharedBroker() {
    }

    static synchronized String bootstrapServers() {
        if (broker == null) {
            KafkaRuntime runtime = new KafkaRuntime(Path.of(RealPipeline.requiredProperty("ltx.kafka.runtime.dir")));
            broker = LocalKafkaBroker.start(runtime, Path.of("target", "shared-broker-" + ProcessHandle.current().pid()));
        }
        return broker.bootstrapServers();
    }

    /**
     * The demo's worker properties ({@code config/worker-distributed.properties}) for a Connect cluster of
     * its own on the shared broker, written to {@code runDir}: group and internal topics named {@code cluster},
     * and a dead worker's tasks reassigned after 2 s instead of the default 5 minutes.
     */
    static Path workerTemplate(Path runDir, String cluster) throws IOException {
        Path template = runDir.resolve("worker-template.properties");
        Files.writeString(template, Files.readString(Path.of("config", "worker-distributed.properties"))
                + "\nscheduled.rebalance.max.delay.ms=2000\n"
                + "group.id=" + cluster + "\n"
                + "config.storage.topic=" + cluster + "-configs\n"
                + "offset.storage.topic=" + cluster + "-offsets\n"
                + "status.storage.topic=" + cluster + "-status\n");
        return template;
    }
}
