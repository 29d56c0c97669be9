package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Answers calls: an API call after the latency fault's delay (set per call by {@link CallGates}),
 * and, when the faults say so, its error answers as HTTP 200 with the status in the envelope; an
 * admin call at once. Holds the calls a hang fault never answers, so that reset and close can
 * drop their connections.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);

    /** Exchange attribute: the latency fault's delay for every answer of this call. */
    private static final String LATENCY_ATTRIBUTE = "ltx.sim.latencyMs";
    /** Exchange attribute: error answers of this call go out as HTTP 200, the status only in the envelope. */
    private static final String ERRORS_AS_200_ATTRIBUTE = "ltx.sim.errorsAs200";
    /** "Never answered" ends after this, so a long benchmark does not collect open connections. */
    private static final long HANG_FOREVER_MS = 600_000;

    private final ScheduledExecutorService scheduler;
    /** Calls hung for good by a fault: their connections are dropped on reset and close. */
    private final Set<HttpExchange> hung = ConcurrentHashMap.newKeySet();

    Responder(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Every answer to this call waits {@code latencyMs} first (hangs excepted). */
    void delayAnswers(HttpExchange ex, long latencyMs) {
        ex.setAttribute(LATENCY_ATTRIBUTE, latencyMs);
    }

    /** Every error answer to this call is sent as HTTP 200, its status only in the envelope's {@code code}. */
    void errorsAsHttp200(HttpExchange ex, boolean enabled) {
        ex.setAttribute(ERRORS_AS_200_ATTRIBUTE, enabled);
    }

    /** Answers an API call, after the latency fault's delay if there is one. */
    void send(HttpExchange ex, int status, JsonNode body) {
        send(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    void send(HttpExchange ex, int httpStatus, String contentType, byte[] bytes) {
        int status = httpStatus >= 400 && Boolean.TRUE.equals(ex.getAttribute(ERRORS_AS_200_ATTRIBUTE)) ? 200 : httpStatus;
        Object delay = ex.getAttribute(LATENCY_ATTRIBUTE);
        if (delay instanceof Long ms && ms > 0) {
            later(() -> sendRaw(ex, status, contentType, bytes), ms);
        } else {
            sendRaw(ex, status, contentType, bytes);
        }
    }

    /** A 429 with its {@code Retry-After} in whole seconds. */
    void sendTooMany(HttpExchange ex, int retryAfterSeconds, String message) {
        ex.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        send(ex, 429, Envelopes.error(429, message));
    }

    /** Answers at once, whatever the latency fault says (admin endpoints). */
    static void sendNow(HttpExchange ex, int status, JsonNode body) {
        sendRaw(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Hangs a call: a 504 after {@code hangMs}, or, when that is 0, no answer at all; the client's
     * time-out ends it, and reset, close or ten minutes drop the connection.
     */
    void hang(HttpExchange ex, long hangMs) {
        if (hangMs > 0) {
            later(() -> sendNow(ex, 504, Envelopes.error(504, "gateway timeout")), hangMs);
            return;
        }
        hung.add(ex);
        later(() -> {
            if (hung.remove(ex)) {
                ex.close();
            }
        }, HANG_FOREVER_MS);
    }

    /** Drops the connection of every call hung for good. */
    void dropHungCalls() {
        for (HttpExchange ex : hung) {
            hung.remove(ex);
            ex.close(); // no answer was started: this closes the connection
        }
    }

    private void later(Runnable r, long delayMs) {
        try {
            scheduler.schedule(r, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // stopping: the connection is closed by the server anyway
        }
    }

    private static void sendRaw(HttpExchange ex, int status, String contentType, byte[] bytes) {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            log.debug("could not send answer: {}", e.toString()); // the client went away
        }
    }
}
