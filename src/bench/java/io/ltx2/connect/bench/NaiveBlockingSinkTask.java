package io.ltx2.connect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.util.Version;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The baseline's task: for each record, POST the create and wait for the answer; on 429 sleep the
 * {@code Retry-After} (1 s without one) and send the same record again; on 5xx or I/O error sleep
 * 1 s and retry; other answers are dropped. Submissions are counted by the simulator.
 */
public final class NaiveBlockingSinkTask extends SinkTask {
    private HttpClient http;
    private URI createUri;
    private String authorization;
    private volatile boolean stopping;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        AbstractConfig config = new AbstractConfig(new NaiveBlockingSinkConnector().config(), props);
        createUri = URI.create(config.getString(NaiveBlockingSinkConnector.API_URL) + "/generateTask/"
                + config.getString(NaiveBlockingSinkConnector.MODEL));
        authorization = "Bearer " + config.getPassword(NaiveBlockingSinkConnector.API_KEY).value();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            submit(record);
        }
    }

    private void submit(SinkRecord record) {
        byte[] body = body(record.value());
        HttpRequest request = HttpRequest.newBuilder(createUri).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        while (!stopping) {
            long sleepMs;
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status == 429) {
                    sleepMs = response.headers().firstValue("Retry-After").map(v -> Long.parseLong(v.trim()) * 1000).orElse(1000L);
                } else if (status >= 500) {
                    sleepMs = 1000;
                } else {
                    return;
                }
            } catch (IOException e) {
                sleepMs = 1000;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted", e);
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted", e);
            }
        }
    }

    private static byte[] body(Object value) {
        try {
            JsonNode input = Json.MAPPER.valueToTree(value);
            if (input instanceof ObjectNode object) {
                object.remove("request_id");
            }
            ObjectNode request = Json.MAPPER.createObjectNode();
            request.set("input", input);
            return Json.MAPPER.writeValueAsBytes(request);
        } catch (IllegalArgumentException | IOException e) {
            throw new ConnectException("unreadable record", e);
        }
    }

    @Override
    public void stop() {
        stopping = true;
    }
}
