package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The server's one handler: {@code /_sim/...} to the {@link AdminHandler}, {@code /results/...} to the
 * {@link ResultFiles}; every other call through
 * the {@link CallGates} to the {@link CreateHandler}, the {@link StatusHandler} or the {@link BalanceHandler}. A handler that
 * fails answers 500.
 */
final class ApiRouter implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    private static final String ADMIN_PREFIX = "/_sim/";

    private final AdminHandler admin;
    private final CallGates gates;
    private final CreateHandler create;
    private final StatusHandler status;
    private final BalanceHandler balance;
    private final ResultFiles results;
    private final Responder responder;

    ApiRouter(AdminHandler admin, CallGates gates, CreateHandler create, StatusHandler status, BalanceHandler balance,
              ResultFiles results, Responder responder) {
        this.admin = admin;
        this.gates = gates;
        this.create = create;
        this.status = status;
        this.balance = balance;
        this.results = results;
        this.responder = responder;
    }

    @Override
    public void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith(ADMIN_PREFIX)) {
                admin.handle(ex, path.substring(ADMIN_PREFIX.length()));
                return;
            }
            if (path.startsWith(ResultFiles.PATH_PREFIX)) {
                results.handle(ex, path); // a result URL: public, like the CDN's
                return;
            }
            byte[] body = Exchanges.readBody(ex);
            CallGates.Call call = gates.admit(ex, path);
            if (call == null) {
                return;
            }
            switch (call.route()) {
                case CREATE -> create.handle(ex, call, body);
                case STATUS -> status.handle(ex, call);
                case BALANCE -> balance.handle(ex);
                default -> throw new IllegalStateException("unknown route " + call.route());
            }
        } catch (RuntimeException | IOException e) {
            log.warn("simulator failed to handle {} {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            responder.send(ex, 500, Envelopes.error(500, "simulator error: " + e.getClass().getSimpleName()));
        }
    }
}
