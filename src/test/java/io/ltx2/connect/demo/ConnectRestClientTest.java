package io.ltx2.connect.demo;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectRestClientTest {

    /** A stand-in worker answering each path with the given status (and {@code {"version":"3.9.2"}} on {@code /}); others 404. */
    private static HttpServer worker(Map<String, Integer> statusByPath) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(FreePorts.LOOPBACK, 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = (path.equals("/") ? "{\"version\":\"3.9.2\",\"commit\":\"x\"}" : "[]").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(statusByPath.getOrDefault(path, 404), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static ConnectRestClient client(HttpServer server) {
        return new ConnectRestClient("http://" + FreePorts.LOOPBACK + ":" + server.getAddress().getPort());
    }

    @Test
    void readyByGetHealthOnKafka4() throws IOException {
        HttpServer server = worker(Map.of("/health", 200, "/connectors", 500));
        try {
            assertThat(client(server).healthStatus()).isEqualTo(200);
            assertThat(client(server).healthy()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aStartingKafka4WorkerIsNotReadyEvenIfItListsConnectors() throws IOException {
        HttpServer server = worker(Map.of("/health", 503, "/connectors", 200));
        try {
            assertThat(client(server).healthy()).isFalse();
        } finally {
            server.stop(0);
        }
    }

    /** Kafka before 3.9 has no GET /health (KIP-1017 came with 3.9): a worker that serves GET /connectors has joined its group. */
    @Test
    void withoutGetHealthReadyByGetConnectors() throws IOException {
        HttpServer ready = worker(Map.of("/", 200, "/connectors", 200));
        HttpServer starting = worker(Map.of("/", 200, "/connectors", 500));
        try {
            assertThat(client(ready).healthStatus()).isEqualTo(404);
            assertThat(client(ready).healthy()).isTrue();
            assertThat(client(ready).workerVersion()).isEqualTo("3.9.2");
            assertThat(client(starting).healthy()).isFalse();
        } finally {
            ready.stop(0);
            starting.stop(0);
        }
    }

    @Test
    void nothingListeningIsNotReady() {
        assertThat(new ConnectRestClient("http://" + FreePorts.LOOPBACK + ":" + FreePorts.pick()).healthy()).isFalse();
    }

    @Test
    void rootCauseIsTheInnermostCausedByLine() {
        String trace = """
                org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.
                \tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:658)
                Caused by: java.lang.RuntimeException: outer
                \t... 1 more
                Caused by: org.apache.kafka.connect.errors.ConnectException: HTTP 401: the API key was refused
                """;
        assertThat(ConnectRestClient.rootCause(trace)).isEqualTo("org.apache.kafka.connect.errors.ConnectException: HTTP 401: the API key was refused");
        assertThat(ConnectRestClient.rootCause("java.lang.IllegalStateException: boom\n\tat x")).isEqualTo("java.lang.IllegalStateException: boom");
    }
}
