package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/Dockerfile, checked without a Docker engine ({@link DockerfileCheck}): built on the apache/kafka image of
 * the Kafka version the project's tests run, every COPY source there after {@code mvn package} and sent by
 * .dockerignore, this build's plugin copied onto the plugin.path of the worker configuration that CMD starts; and
 * docker/docker-compose.yml builds its worker from it instead of mounting the plugin. Wrong Dockerfiles are refused.
 * DockerImageIT builds and runs the image where Docker is available.
 */
class DockerfileIT {

    private static final Path ROOT = Path.of(".");
    private static final Path DOCKERFILE = Path.of("docker", "Dockerfile");

    @TempDir
    Path tmp;

    private static String base() {
        return "apache/kafka:" + System.getProperty("ltx.kafka.version");
    }

    private static String pluginFolder() {
        return ReleaseFiles.artifactId() + "-" + ReleaseFiles.version();
    }

    @Test
    void buildsOnApacheKafkaWithThisBuildsPluginOnThePluginPathOfItsWorker() {
        assertThat(DockerfileCheck.problems(DOCKERFILE, ROOT, base(), pluginFolder())).isEmpty();
        assertThat(DockerfileCheck.workerProperties(Path.of("docker", "connect-worker.properties")).getProperty("plugin.discovery"))
                .as("the plugin ships ServiceLoader manifests").isEqualTo("service_load");
    }

    @Test
    void composeBuildsTheWorkerFromTheDockerfileInsteadOfMountingThePlugin() throws IOException {
        JsonNode services = new YAMLMapper().readTree(Path.of("docker", "docker-compose.yml").toFile()).path("services");
        JsonNode connect = services.path("connect");
        assertThat(connect.path("build").path("context").asText()).isEqualTo("..");
        assertThat(connect.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(connect.path("volumes").toString()).doesNotContain("target/plugin").doesNotContain("connect-worker.properties");
        assertThat(connect.path("entrypoint").toString()).contains("/etc/ltx/connect-worker.properties");
        assertThat(services.path("kafka").path("image").asText()).as("the broker: the same Kafka").isEqualTo(base());
    }

    @Test
    void aWrongBaseImageSourceOrDestinationIsRefused() throws IOException {
        assertThat(DockerfileCheck.problems(write("FROM confluentinc/cp-kafka-connect:7.6.0", "COPY target/plugin/ /opt/ltx/plugins/"),
                ROOT, base(), pluginFolder())).anyMatch(p -> p.startsWith("FROM"));
        assertThat(DockerfileCheck.problems(write("ARG KAFKA_VERSION=4.0.0", "FROM apache/kafka:${KAFKA_VERSION}", "COPY target/plugin/ /opt/ltx/plugins/"),
                ROOT, base(), pluginFolder())).anyMatch(p -> p.contains("apache/kafka:4.0.0"));
        assertThat(DockerfileCheck.problems(write("FROM " + base(), "COPY target/plugins/ /opt/ltx/plugins/"), ROOT, base(), pluginFolder()))
                .anyMatch(p -> p.contains("target/plugins/: not in the build context"));
        assertThat(DockerfileCheck.problems(write("FROM " + base(), "COPY target/plugin/ /opt/kafka/plugins/"), ROOT, base(), pluginFolder()))
                .anyMatch(p -> p.contains("nothing copied to the worker's plugin.path /opt/ltx/plugins"));
        assertThat(DockerfileCheck.problems(write("FROM " + base(), "COPY target/plugin/ /opt/ltx/plugins/",
                "CMD [\"/opt/kafka/bin/connect-standalone.sh\", \"/etc/ltx/connect-worker.properties\"]"), ROOT, base(), pluginFolder()))
                .anyMatch(p -> p.startsWith("CMD"));

        Path context = Files.createDirectories(tmp.resolve("context"));
        Files.createDirectories(context.resolve("target/plugin/" + pluginFolder()));
        Files.writeString(context.resolve("target/plugin/" + pluginFolder() + "/manifest.json"), "{}");
        Files.createDirectories(context.resolve("docker"));
        Files.copy(Path.of("docker", "connect-worker.properties"), context.resolve("docker/connect-worker.properties"));
        Files.writeString(context.resolve(".dockerignore"), "*\n!docker/\n");
        assertThat(DockerfileCheck.problems(DOCKERFILE, context, base(), pluginFolder()))
                .anyMatch(p -> p.equals("COPY target/plugin/: excluded by .dockerignore"));
    }

    private Path write(String... lines) throws IOException {
        Path file = tmp.resolve("Dockerfile-" + System.nanoTime());
        String cmd = "CMD [\"/opt/kafka/bin/connect-distributed.sh\", \"/etc/ltx/connect-worker.properties\"]";
        boolean hasCmd = String.join("\n", lines).contains("CMD");
        Files.writeString(file, String.join("\n", lines) + "\nCOPY docker/connect-worker.properties /etc/ltx/connect-worker.properties\n"
                + (hasCmd ? "" : cmd + "\n"));
        return file;
    }
}
