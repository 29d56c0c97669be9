package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver for tests: records every POST with its arrival time and answers 200, or 500
 * for the first {@code failFirst} calls, or only after {@code delayFirstMs} for the first call.
 */
final class TestReceiver implements AutoCloseable {
    record Received(long atMillis, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int failFirst;
    private volatile long delayFirstMs;

    TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    TestReceiver failFirst(int n) {
        this.failFirst = n;
        return this;
    }

    TestReceiver delayFirst(long ms) {
        this.delayFirstMs = ms;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/secret-token";
    }

    synchronized List<Received> received() {
        return new ArrayList<>(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        long at = System.currentTimeMillis();
        byte[] body = ex.getRequestBody().readAllBytes();
        synchronized (this) {
            received.add(new Received(at, Json.MAPPER.readTree(body)));
        }
        int n = calls.incrementAndGet();
        if (n == 1 && delayFirstMs > 0) {
            try {
                Thread.sleep(delayFirstMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = n <= failFirst ? 500 : 200;
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
