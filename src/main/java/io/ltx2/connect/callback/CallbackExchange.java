package io.ltx2.connect.callback;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseProducer;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.ResponseChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One request to the receiver, on the non-blocking server. The head is judged as soon as it
 * arrives ({@link CallbackRequests#head}): a refusal is answered at once and the body is never
 * asked for (no read capacity is granted, and {@link ConnectionGuard} closes the connection). An
 * accepted callback's body is collected up to the route's maximum (413 past it, also for a chunked
 * body) and handed to the bounded worker pool, which authenticates it, writes the CALLBACK record
 * and answers; a full pool, or a callback that waited longer than the request timeout for a worker,
 * is answered 503 (the API retries). I/O threads never block.
 */
final class CallbackExchange implements AsyncServerExchangeHandler {
    private static final Logger log = LoggerFactory.getLogger(CallbackExchange.class);

    /** What the exchange needs from its receiver. */
    record Context(CallbackRequests requests, Executor workers, ConnectionGuard guard, Consumer<CallbackRequests.Answer> outcomes,
                   long queueTimeoutNanos) {
    }

    private final Context ctx;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile AsyncResponseProducer producer;
    private ResponseChannel channel;
    private HttpContext httpContext;
    private SocketAddress remote;
    private HttpRequest request;
    private CallbackRequests.Accepted accepted;
    private ByteArrayOutputStream body;

    CallbackExchange(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handleRequest(HttpRequest request, EntityDetails entity, ResponseChannel channel, HttpContext context) {
        this.channel = channel;
        this.httpContext = context;
        this.remote = HttpCoreContext.cast(context).getEndpointDetails().getRemoteAddress();
        this.request = request;
        long declared = entity == null ? 0 : entity.getContentLength();
        CallbackRequests.Head head = ctx.requests().head(request.getMethod(), request.getRequestUri(), declared);
        if (head.refusal() != null) {
            respond(head.refusal(), entity != null);
            return;
        }
        accepted = head.accepted();
        if (entity == null) {
            dispatch(new byte[0]);
        } else {
            int max = accepted.route().maxBodyBytes();
            body = new ByteArrayOutputStream((int) Math.max(256, Math.min(max, declared)));
        }
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        ByteArrayOutputStream b = body;
        if (b != null && !answered.get()) {
            // Up to one byte over the maximum, so an oversized chunked body is seen and refused.
            capacityChannel.update(Math.max(1, accepted.route().maxBodyBytes() + 1 - b.size()));
        }
    }

    @Override
    public void consume(ByteBuffer src) {
        ByteArrayOutputStream b = body;
        if (b == null || answered.get()) {
            src.position(src.limit());
            return;
        }
        int n = src.remaining();
        if (b.size() + n > accepted.route().maxBodyBytes()) {
            body = null;
            src.position(src.limit());
            respond(new CallbackRequests.Answer(HttpStatus.SC_REQUEST_TOO_LONG, "body too large"), true);
            return;
        }
        byte[] chunk = new byte[n];
        src.get(chunk);
        b.write(chunk, 0, n);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        ByteArrayOutputStream b = body;
        body = null;
        if (b != null && !answered.get()) {
            dispatch(b.toByteArray());
        }
    }

    private void dispatch(byte[] bytes) {
        ctx.guard().busy(remote);
        long queued = System.nanoTime();
        try {
            ctx.workers().execute(() -> {
                if (System.nanoTime() - queued > ctx.queueTimeoutNanos()) {
                    respond(new CallbackRequests.Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "busy, retry later"), false);
                    return;
                }
                respond(ctx.requests().body(accepted, this::header, bytes), false);
            });
        } catch (RejectedExecutionException e) {
            respond(new CallbackRequests.Answer(HttpStatus.SC_SERVICE_UNAVAILABLE, "busy, retry later"), false);
        }
    }

    private String header(String name) {
        Header h = request.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    /** Sends the answer (once); {@code bodyPending}: the request's body has not (all) arrived, so the connection closes after it. */
    private void respond(CallbackRequests.Answer answer, boolean bodyPending) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        ctx.outcomes().accept(answer);
        ctx.guard().answered(remote, bodyPending);
        BasicHttpResponse response = new BasicHttpResponse(answer.status());
        if (bodyPending) {
            response.addHeader(HttpHeaders.CONNECTION, "close");
        }
        AsyncResponseProducer p = new BasicResponseProducer(response, AsyncEntityProducers.create(
                "{\"code\":" + answer.status() + ",\"message\":\"" + answer.message() + "\"}", ContentType.APPLICATION_JSON));
        producer = p;
        try {
            p.sendResponse(channel, httpContext);
        } catch (HttpException | IOException e) {
            log.debug("Cannot answer a callback request", e);
        }
    }

    @Override
    public int available() {
        AsyncResponseProducer p = producer;
        return p == null ? 0 : p.available();
    }

    @Override
    public void produce(DataStreamChannel dataStreamChannel) throws IOException {
        AsyncResponseProducer p = producer;
        if (p != null) {
            p.produce(dataStreamChannel);
        }
    }

    @Override
    public void failed(Exception cause) {
        log.debug("Callback exchange failed", cause);
        AsyncResponseProducer p = producer;
        if (p != null) {
            p.failed(cause);
        }
    }

    @Override
    public void releaseResources() {
        body = null;
        AsyncResponseProducer p = producer;
        if (p != null) {
            p.releaseResources();
        }
    }
}
