package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.util.Json;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/docker-compose.yml} as shipped: the apache/kafka broker, a Connect worker built from
 * docker/Dockerfile (apache/kafka with the built plugin), and the simulator in a JRE image. Deploys both
 * connectors from {@code config/} and checks the events. Needs Docker with the compose plugin
 * ({@code docker compose}); skipped where there is no Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeIT {

    private static final String KAFKA_BIN = "/opt/kafka/bin/";

    @Container
    private static final ComposeContainer COMPOSE = new ComposeContainer(new File("docker/docker-compose.yml"))
            .withLocalCompose(true)
            .withBuild(true) // the worker image again from docker/Dockerfile and this build's plugin
            .waitingFor("kafka", Wait.forHealthcheck())
            .withExposedService("connect", 8083, Wait.forHttp("/health").forStatusCode(200))
            .waitingFor("simulator", Wait.forHealthcheck())
            .waitingFor("minio", Wait.forHealthcheck())
            .withStartupTimeout(Duration.ofMinutes(5));

    @Test
    void composeStackTurnsRequestsIntoEvents() throws Exception {
        ContainerState kafka = COMPOSE.getContainerByServiceName("kafka-1").orElseThrow();
        for (String topic : List.of("ltx.requests", "ltx.tasks", "ltx.events")) {
            exec(kafka, KAFKA_BIN + "kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists --partitions 3 --topic " + topic);
        }

        ConnectRestClient connect = new ConnectRestClient("http://" + COMPOSE.getServiceHost("connect", 8083) + ":"
                + COMPOSE.getServicePort("connect", 8083));
        Map<String, String> addresses = Map.of(
                "ltx.api.url", "http://127.0.0.1:8089/api/v1",  // the simulator shares the worker's network namespace
                "ltx.tracking.bootstrap.servers", "kafka:9092");
        Map<String, String> archive = Map.of("ltx.archive.enabled", "true", "ltx.archive.bucket", "ltx-videos",
                "ltx.archive.endpoint", "http://minio:9000", "ltx.archive.path.style.access", "true", "ltx.archive.region", "us-east-1",
                "ltx.archive.access.key.id", "ltx-demo", "ltx.archive.secret.access.key", "ltx-demo-secret");
        for (String file : List.of("demo-ltx-sink.json", "demo-ltx-source.json")) {
            ConnectorConfigFile config = ConnectorConfigFile.read(Path.of("config", file)).with(addresses)
                    .with(file.contains("source") ? archive : Map.of());
            connect.putConnector(config.name(), config.restConfig());
            connect.awaitRunning(config.name(), Duration.ofSeconds(120));
        }

        List<SampleRequest> requests = SampleRequest.demoSet("compose");
        String lines = requests.stream().map(r -> r.requestId() + "|" + r.json()).collect(Collectors.joining("\n"));
        exec(kafka, "printf '%s\\n' " + shellQuote(lines) + " | " + KAFKA_BIN + "kafka-console-producer.sh"
                + " --bootstrap-server kafka:9092 --topic ltx.requests --property parse.key=true --property key.separator='|'");

        String out = exec(kafka, KAFKA_BIN + "kafka-console-consumer.sh --bootstrap-server kafka:9092 --topic ltx.events"
                + " --from-beginning --isolation-level read_committed --max-messages " + requests.size()
                + " --timeout-ms 180000 --property print.key=true --property key.separator='|'");
        Map<String, String> states = new HashMap<>();
        for (String line : out.split("\n")) {
            int bar = line.indexOf('|');
            if (bar > 0) {
                JsonNode event = Json.MAPPER.readTree(line.substring(bar + 1));
                states.put(line.substring(0, bar), event.path("state").asText());
                if (event.path("state").asText().equals("success")) {
                    assertThat(event.path("archivedUrls").get(0).asText()).as("archived to MinIO").startsWith("s3://ltx-videos/");
                }
            }
        }
        Map<String, String> expected = requests.stream().collect(Collectors.toMap(SampleRequest::requestId, SampleRequest::expectedState));
        assertThat(states).isEqualTo(expected);
    }

    private static String exec(ContainerState container, String command) throws Exception {
        ExecResult result = container.execInContainer("bash", "-c", command);
        assertThat(result.getExitCode()).as("%s\n%s", command, result.getStderr()).isZero();
        return result.getStdout();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
