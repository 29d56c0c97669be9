package io.ltx2.connect.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Json;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.impl.bootstrap.HttpServer;
import org.apache.hc.core5.http.impl.bootstrap.ServerBootstrap;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The webhook receiver: {@code POST /callback/<token>} (or {@code /callback?token=<token>}), each
 * optionally with {@code rid=<request identity>}, which the sink adds to every callback URL. It
 * authenticates (token, then the HMAC signature when one is configured), bounds the body, checks
 * it is JSON with a task id, writes a CALLBACK tracking record (keyed by the request identity, so
 * it lands on the partition of the request's other records; by the task id without one) and
 * answers 200 once the record is durable. It never trusts the body's outcome: the owning source task confirms it with a status
 * call. One receiver serves several routes (connectors), each with its own token and writer.
 *
 * <p>Answers: 401 missing token or signature, 403 wrong token or signature, 404 other paths,
 * 405 other methods, 413 body too large, 400 not JSON, no task id or a bad rid, 503 when the tracking
 * topic cannot be written (the API then retries).
 */
public final class CallbackReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackReceiver.class);
    static final String PATH = "/callback";
    private static final long WRITE_TIMEOUT_MS = 15_000;
    private static final long BIND_RETRY_SECONDS = 5;

    /** One connector's view of the receiver. */
    public record Route(String token, String hmacSecret, String hmacHeader, int maxBodyBytes, CallbackWriter writer) {
        @Override
        public String toString() {
            return "Route[token=<hidden>, hmac=" + (hmacSecret != null) + ", maxBodyBytes=" + maxBodyBytes + "]";
        }
    }

    private final HttpServer server;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    public CallbackReceiver(String host, int port) throws IOException {
        this(host, port, System::currentTimeMillis);
    }

    CallbackReceiver(String host, int port, LongSupplier clock) throws IOException {
        this.clock = clock;
        this.server = bind(host, port);
    }

    /**
     * Starts the server; a port still held by a receiver just closed in this JVM (a task restarted in
     * place) is retried for a few seconds.
     */
    private HttpServer bind(String host, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BIND_RETRY_SECONDS);
        while (true) {
            HttpServer s = create(host, port);
            try {
                s.start();
                return s;
            } catch (BindException e) {
                s.close(CloseMode.IMMEDIATE);
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private HttpServer create(String host, int port) throws IOException {
        return ServerBootstrap.bootstrap()
                .setLocalAddress(InetAddress.getByName(host))
                .setListenerPort(port)
                .setSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.ofSeconds(30)).setSoReuseAddress(true).build())
                // Any Host header: the receiver usually sits behind a proxy with a public name.
                .setRequestRouter((request, context) -> this::handle)
                .create();
    }

    /** Callbacks accepted and refused since the start, for the stop log. */
    public String counts() {
        return accepted.get() + " accepted, " + refused.get() + " refused";
    }

    public int port() {
        return server.getLocalPort();
    }

    public void addRoute(Route route) {
        routes.add(route);
    }

    /** Removes a route; returns true when none is left. */
    public boolean removeRoute(Route route) {
        routes.remove(route);
        return routes.isEmpty();
    }

    private void handle(ClassicHttpRequest request, ClassicHttpResponse response, HttpContext context) throws IOException {
        Answer answer = answer(request);
        if (answer.status() == HttpStatus.SC_OK) {
            accepted.incrementAndGet();
        } else {
            refused.incrementAndGet();
            log.debug("Callback refused with {}: {}", answer.status(), answer.message());
        }
        response.setCode(answer.status());
        response.setEntity(new StringEntity("{\"code\":" + answer.status() + ",\"message\":\"" + answer.message() + "\"}",
                ContentType.APPLICATION_JSON));
    }

    record Answer(int status, String message) {
    }

    private Answer answer(ClassicHttpRequest request) throws IOException {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            return new Answer(HttpStatus.SC_BAD_REQUEST, "bad request line");
        }
        List<NameValuePair> query = new URIBuilder(uri).getQueryParams();
        String token = tokenOf(uri.getRawPath() == null ? "" : uri.getRawPath(), query);
        if (token == null) {
            return new Answer(HttpStatus.SC_NOT_FOUND, "not found");
        }
        if (!"POST".equalsIgnoreCase(request.getMethod())) {
            return new Answer(HttpStatus.SC_METHOD_NOT_ALLOWED, "POST only");
        }
        if (token.isEmpty()) {
            return new Answer(HttpStatus.SC_UNAUTHORIZED, "missing token");
        }
        Route route = routeFor(token);
        if (route == null) {
            return new Answer(HttpStatus.SC_FORBIDDEN, "bad token");
        }
        HttpEntity entity = request.getEntity();
        byte[] body = entity != null && entity.getContentLength() > route.maxBodyBytes() ? null : readAtMost(entity, route.maxBodyBytes());
        if (body == null) {
            return new Answer(HttpStatus.SC_REQUEST_TOO_LONG, "body too large");
        }
        Answer signature = checkSignature(route, request, body);
        return signature != null ? signature : store(route, body, query);
    }

    /** The token of a callback path ({@code /callback/<token>} or {@code /callback?token=}), "" when missing; null for other paths. */
    private static String tokenOf(String path, List<NameValuePair> query) {
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            String token = param(query, "token");
            return token == null ? "" : token;
        }
        if (path.startsWith(PATH + "/") && path.indexOf('/', PATH.length() + 1) < 0) {
            return path.substring(PATH.length() + 1);
        }
        return null;
    }

    private Route routeFor(String token) {
        Route route = null;
        for (Route r : routes) {
            if (CallbackAuthenticator.tokenMatches(r.token(), token)) {
                route = r; // no early exit: the comparison takes as long whichever route matches
            }
        }
        return route;
    }

    /** A refusal when the route wants a signature and the callback's is missing or wrong; null when it passes. */
    private static Answer checkSignature(Route route, ClassicHttpRequest request, byte[] body) {
        if (route.hmacSecret() == null) {
            return null;
        }
        Header sig = request.getFirstHeader(route.hmacHeader());
        if (sig == null) {
            return new Answer(HttpStatus.SC_UNAUTHORIZED, "missing signature");
        }
        return CallbackAuthenticator.signatureMatches(route.hmacSecret(), body, sig.getValue()) ? null
                : new Answer(HttpStatus.SC_FORBIDDEN, "bad signature");
    }

    /** Reads an authenticated callback and answers 200 once its CALLBACK record is durable. */
    private Answer store(Route route, byte[] body, List<NameValuePair> query) {
        JsonNode data = dataOf(body);
        if (data == null) {
            return new Answer(HttpStatus.SC_BAD_REQUEST, "body is not a JSON object");
        }
        JsonNode taskId = data.get("taskId");
        if (taskId == null || !taskId.isValueNode() || taskId.asText().isBlank() || taskId.asText().length() > 256) {
            return new Answer(HttpStatus.SC_BAD_REQUEST, "no taskId");
        }
        String rid = param(query, RequestIdentity.CALLBACK_PARAM);
        RequestIdentity identity;
        try {
            identity = rid == null ? null : RequestIdentity.parse(rid);
        } catch (IllegalArgumentException e) {
            return new Answer(HttpStatus.SC_BAD_REQUEST, "bad rid");
        }
        JsonNode state = data.get("state");
        TrackingRecord record = TrackingRecord.callback(identity, taskId.asText(), clock.getAsLong(),
                state == null || state.isNull() ? null : state.asText(), data.toString());
        try {
            route.writer().write(record).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot write the callback of task {} to the tracking topic; the API will retry", taskId.asText(), e);
            return new Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "cannot store the callback now");
        }
        log.debug("Callback for task {} ({}) of request {} stored", taskId.asText(), record.callbackState(), identity);
        return new Answer(HttpStatus.SC_OK, "ok");
    }

    /** The envelope's {@code data} object (or the body itself when it has none); null when the body is not a JSON object. */
    private static JsonNode dataOf(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        return root.has("data") && root.get("data").isObject() ? root.get("data") : root;
    }

    /** The first value of a query parameter, decoded; null when absent. */
    private static String param(List<NameValuePair> query, String name) {
        return query.stream().filter(p -> p.getName().equals(name)).map(NameValuePair::getValue).findFirst().orElse(null);
    }

    /** The body, or null when it has more than {@code max} bytes. */
    private static byte[] readAtMost(HttpEntity entity, int max) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return new byte[0];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > max) {
                    return null;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() {
        // Immediate: the API keeps connections alive, and a graceful close would wait for them.
        server.close(CloseMode.IMMEDIATE);
        try {
            server.awaitTermination(TimeValue.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
