package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Redaction;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.net.URIBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What the receiver answers to a callback, decided in two steps so that a flood is refused cheaply:
 * {@link #head} looks only at the request line and the declared length (path, method, token, size)
 * before a byte of the body is read; {@link #body} authenticates the body (HMAC), checks it and
 * writes the CALLBACK record. Independent of the HTTP server that calls it.
 */
final class CallbackRequests {
    private static final Logger log = LoggerFactory.getLogger(CallbackRequests.class);
    static final String PATH = "/callback";
    private static final long WRITE_TIMEOUT_MS = 15_000;

    record Answer(int status, String message) {
        boolean ok() {
            return status == HttpStatus.SC_OK;
        }
    }

    /** A callback whose head passed: its route and query parameters, waiting for its body. */
    record Accepted(CallbackReceiver.Route route, List<NameValuePair> query) {
    }

    /** The head's verdict: a refusal, or the accepted callback (exactly one of them is set). */
    record Head(Answer refusal, Accepted accepted) {
        static Head refuse(int status, String message) {
            return new Head(new Answer(status, message), null);
        }
    }

    private final List<CallbackReceiver.Route> routes;
    private final LongSupplier clock;

    CallbackRequests(List<CallbackReceiver.Route> routes, LongSupplier clock) {
        this.routes = routes;
        this.clock = clock;
    }

    /**
     * The verdict on a request head: 404 other paths, 405 other methods, 401 no token, 403 wrong token,
     * 413 a declared length over the route's maximum ({@code declaredLength} -1 when unknown, chunked).
     */
    Head head(String method, String requestUri, long declaredLength) {
        URI uri;
        try {
            uri = new URI(requestUri);
        } catch (URISyntaxException e) {
            return Head.refuse(HttpStatus.SC_BAD_REQUEST, "bad request line");
        }
        List<NameValuePair> query = new URIBuilder(uri).getQueryParams();
        String token = tokenOf(uri.getRawPath() == null ? "" : uri.getRawPath(), query);
        if (token == null) {
            return Head.refuse(HttpStatus.SC_NOT_FOUND, "not found");
        }
        if (!"POST".equalsIgnoreCase(method)) {
            return Head.refuse(HttpStatus.SC_METHOD_NOT_ALLOWED, "POST only");
        }
        if (token.isEmpty()) {
            return Head.refuse(HttpStatus.SC_UNAUTHORIZED, "missing token");
        }
        CallbackReceiver.Route route = routeFor(token);
        if (route == null) {
            return Head.refuse(HttpStatus.SC_FORBIDDEN, "bad token");
        }
        if (declaredLength > route.maxBodyBytes()) {
            return Head.refuse(HttpStatus.SC_REQUEST_TOO_LONG, "body too large");
        }
        return new Head(null, new Accepted(route, query));
    }

    /** The answer to an accepted callback's body ({@code headers} gives a header's value by name, null when absent). */
    Answer body(Accepted accepted, Function<String, String> headers, byte[] body) {
        Answer signature = checkSignature(accepted.route(), headers, body);
        return signature != null ? signature : store(accepted.route(), body, accepted.query());
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

    private CallbackReceiver.Route routeFor(String token) {
        CallbackReceiver.Route route = null;
        for (CallbackReceiver.Route r : routes) {
            if (CallbackAuthenticator.tokenMatches(r.token(), token)) {
                route = r; // no early exit: the comparison takes as long whichever route matches
            }
        }
        return route;
    }

    /** A refusal when the route wants a signature and the callback's is missing or wrong; null when it passes. */
    private static Answer checkSignature(CallbackReceiver.Route route, Function<String, String> headers, byte[] body) {
        if (route.hmacSecret() == null) {
            return null;
        }
        String sig = headers.apply(route.hmacHeader());
        if (sig == null) {
            return new Answer(HttpStatus.SC_UNAUTHORIZED, "missing signature");
        }
        return CallbackAuthenticator.signatureMatches(route.hmacSecret(), body, sig) ? null
                : new Answer(HttpStatus.SC_FORBIDDEN, "bad signature");
    }

    /** Reads an authenticated callback and answers 200 once its CALLBACK record is durable. */
    private Answer store(CallbackReceiver.Route route, byte[] body, List<NameValuePair> query) {
        TrackingRecord record;
        try {
            record = CallbackRecordReader.read(body, param(query, RequestIdentity.CALLBACK_PARAM),
                    param(query, RequestIdentity.CALLBACK_TOPIC_ID_PARAM), clock.getAsLong(),
                    Redaction.of(Arrays.asList(route.token(), route.hmacSecret())));
        } catch (CallbackRecordReader.Refused refused) {
            return new Answer(refused.status(), refused.getMessage());
        }
        try {
            Integer partition = CallbackRecordReader.partitionOf(param(query, RequestIdentity.CALLBACK_PARTITION_PARAM));
            route.writer().write(record, partition).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot write the callback of task {} to the tracking topic; the API will retry", record.taskId(), e);
            return new Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "cannot store the callback now");
        }
        log.debug("Callback for task {} ({}) of request {} stored", record.taskId(), record.callbackState(), record.identity());
        return new Answer(HttpStatus.SC_OK, "ok");
    }

    /** The first value of a query parameter, decoded; null when absent. */
    private static String param(List<NameValuePair> query, String name) {
        return query.stream().filter(p -> p.getName().equals(name)).map(NameValuePair::getValue).findFirst().orElse(null);
    }
}
