package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/Dockerfile built by Docker from the build context it names (target/plugin/ and the worker configuration)
 * and run as a worker beside an apache/kafka broker: Connect answers /health and lists both connectors at this
 * build's version. Needs Docker; skipped where there is no Docker engine (DockerfileIT checks the file without one).
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageIT {

    @Test
    void imageRunsAWorkerThatLoadsBothConnectors() throws Exception {
        String kafka = "apache/kafka:" + System.getProperty("ltx.kafka.version");
        // the worker configuration the image carries, pointed at this test's broker
        String properties = Files.readString(Path.of("docker", "connect-worker.properties"))
                .replace("bootstrap.servers=kafka:9092", "bootstrap.servers=kafka:19092");
        ImageFromDockerfile image = new ImageFromDockerfile("ltx2-kafka-connect-it", true)
                .withDockerfilePath("docker/Dockerfile")
                .withFileFromPath("docker/Dockerfile", Path.of("docker", "Dockerfile"))
                .withFileFromPath("docker/connect-worker.properties", Path.of("docker", "connect-worker.properties"))
                .withFileFromPath("target/plugin", Path.of("target", "plugin"));
        try (Network network = Network.newNetwork();
             KafkaContainer broker = new KafkaContainer(kafka).withNetwork(network).withNetworkAliases("kafka")
                     .withListener("kafka:19092");
             GenericContainer<?> worker = new GenericContainer<>(image).withNetwork(network)
                     .withCopyToContainer(Transferable.of(properties), "/etc/ltx/connect-worker.properties")
                     .withExposedPorts(8083)
                     .waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)))) {
            broker.start();
            worker.start();
            HttpResponse<String> plugins = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + worker.getHost() + ":" + worker.getMappedPort(8083) + "/connector-plugins")).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> versions = new HashMap<>();
            for (JsonNode p : Json.MAPPER.readTree(plugins.body())) {
                versions.put(p.path("class").asText(), p.path("version").asText());
            }
            assertThat(versions).containsEntry("io.ltx2.connect.LtxSinkConnector", ReleaseFiles.version())
                    .containsEntry("io.ltx2.connect.LtxSourceConnector", ReleaseFiles.version());
        }
    }
}
