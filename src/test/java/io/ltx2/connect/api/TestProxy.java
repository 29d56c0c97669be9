package io.ltx2.connect.api;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real forwarding HTTP proxy on 127.0.0.1 and a free port, from Eclipse Jetty: its
 * {@link ConnectHandler} tunnels CONNECT (https), its {@link ProxyHandler.Forward} forwards plain
 * http. In front of both, a gate records what the proxy was asked for and, when built with
 * credentials, answers 407 with a Basic challenge to a request without the right ones.
 */
final class TestProxy implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    /** Authorities of the CONNECT requests let through, e.g. {@code 127.0.0.1:8443}. */
    final List<String> tunnels = new CopyOnWriteArrayList<>();
    /** Absolute URIs of the plain requests forwarded. */
    final List<String> forwarded = new CopyOnWriteArrayList<>();
    /** Requests answered 407. */
    final AtomicInteger challenged = new AtomicInteger();

    private TestProxy(String user, String password) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("test-proxy");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ConnectHandler tunnelling = new ConnectHandler();
        tunnelling.setHandler(new ProxyHandler.Forward());
        String expected = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server.setHandler(new Gate(expected, tunnelling));
        server.start();
    }

    /** A proxy that asks for no credentials. */
    static TestProxy open() throws Exception {
        return new TestProxy(null, null);
    }

    /** A proxy that requires these Basic credentials. */
    static TestProxy requiring(String user, String password) throws Exception {
        return new TestProxy(user, password);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** Everything it let through. */
    int requests() {
        return tunnels.size() + forwarded.size();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Gate extends Handler.Wrapper {
        private final String expected;

        Gate(String expected, Handler next) {
            super(next);
            this.expected = expected;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (expected != null && !expected.equals(request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION))) {
                challenged.incrementAndGet();
                response.setStatus(HttpStatus.PROXY_AUTHENTICATION_REQUIRED_407);
                response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"test-proxy\"");
                response.write(true, null, callback);
                return true;
            }
            boolean connect = "CONNECT".equals(request.getMethod());
            (connect ? tunnels : forwarded).add(connect ? request.getHttpURI().getAuthority() : request.getHttpURI().toString());
            return super.handle(request, response, callback);
        }
    }
}
