package io.ltx2.connect.demo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * One Connect worker version of the real-worker matrix, with the Kafka runtime (broker and worker
 * jars) that the build resolved for it into {@code target/kafka-runtime-<version>} (pom.xml,
 * executions {@code worker-runtime-*}), and what that version of Connect offers.
 *
 * @param version the Kafka version, e.g. {@code 3.9.2}
 */
record WorkerVersion(String version) {

    /** The versions failsafe names in {@code ltx.worker.versions} (comma-separated; pom.xml {@code worker.versions}). */
    static Stream<WorkerVersion> configured() {
        String list = RealPipeline.requiredProperty("ltx.worker.versions");
        return Arrays.stream(list.split(",")).map(String::trim).filter(v -> !v.isEmpty()).map(WorkerVersion::new);
    }

    /** The folder of this version's broker and worker jars. */
    KafkaRuntime runtime() {
        Path dir = Path.of(RealPipeline.requiredProperty("ltx.worker.runtimes.dir"), "kafka-runtime-" + version);
        return new KafkaRuntime(dir);
    }

    int major() {
        return Integer.parseInt(version.split("\\.")[0]);
    }

    int minor() {
        return Integer.parseInt(version.split("\\.")[1]);
    }

    boolean atLeast(int major, int minor) {
        return major() > major || major() == major && minor() >= minor;
    }

    /**
     * {@code GET /health} (KIP-1017) exists from Kafka 3.9 on: a 3.7 or 3.8 worker answers 404 and is found
     * ready by {@code GET /connectors} (ConnectRestClient#healthy), which the matrix's oldest workers prove.
     */
    boolean hasHealthEndpoint() {
        return atLeast(3, 9);
    }

    /** Kafka 4.x logs through log4j2; 3.x through reload4j, a log4j 1.x properties file. */
    KafkaRuntime.Logging logging() {
        return major() >= 4 ? KafkaRuntime.Logging.LOG4J2 : KafkaRuntime.Logging.RELOAD4J;
    }

    @Override
    public String toString() {
        return version;
    }
}
