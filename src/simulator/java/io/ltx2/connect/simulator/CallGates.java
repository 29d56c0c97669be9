package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpExchange;

/**
 * What an API call passes before its endpoint's handler sees it, in this order: route (404),
 * method (405), outage (its 5xx, before the key: the API is down), Bearer key (401, or 403 for a
 * forbidden key), 429 storm, rate limit (429 with
 * {@code Retry-After} until the oldest call leaves the window), hang fault, error fault (5xx),
 * model (404). A call stopped by a gate is answered here. The latency fault's delay and the
 * errors-as-HTTP-200 mode are set on every call once its route is known, so they apply to every
 * answer of that endpoint. The balance call ({@code GET /apikeys/current-balance}) passes the
 * method, outage ({@code ALL} only), key, storm and rate gates only.
 */
final class CallGates {
    private static final String CREATE_PREFIX = ApiSimulator.API_PREFIX + "/generateTask/";
    private static final String STATUS_PREFIX = ApiSimulator.API_PREFIX + "/statusTask/";
    static final String BALANCE_PATH = ApiSimulator.API_PREFIX + "/apikeys/current-balance";

    /** The API's routes: the contract's two endpoints and the account's balance. */
    enum Route {
        CREATE(Endpoint.CREATE, "POST", SimulatorState.Count.CREATE_CALLS),
        STATUS(Endpoint.STATUS, "GET", SimulatorState.Count.STATUS_CALLS),
        BALANCE(null, "GET", SimulatorState.Count.BALANCE_CALLS);

        /** The endpoint whose faults apply, or null (the balance call has none). */
        final Endpoint endpoint;
        final String method;
        final SimulatorState.Count calls;

        Route(Endpoint endpoint, String method, SimulatorState.Count calls) {
            this.endpoint = endpoint;
            this.method = method;
            this.calls = calls;
        }

        static Route of(String path) {
            return path.startsWith(CREATE_PREFIX) ? CREATE : path.startsWith(STATUS_PREFIX) ? STATUS
                    : path.equals(BALANCE_PATH) ? BALANCE : null;
        }
    }

    /** A call that passed every gate: its route, its key, the faults it sees and its time. */
    record Call(Route route, String apiKey, Faults faults, long now) {
    }

    private final SimulatorConfig config;
    private final SimulatorState state;
    private final FaultDice dice;
    private final LiveControls controls;
    private final Responder responder;

    CallGates(SimulatorConfig config, SimulatorState state, FaultDice dice, LiveControls controls, Responder responder) {
        this.config = config;
        this.state = state;
        this.dice = dice;
        this.controls = controls;
        this.responder = responder;
    }

    /** The call if it passed every gate; null when a gate answered (or hung) it. */
    Call admit(HttpExchange ex, String path) {
        Route route = Route.of(path);
        if (route == null) {
            state.count(SimulatorState.Count.NOT_FOUND);
            responder.send(ex, 404, Envelopes.error(404, "no such endpoint: " + path));
            return null;
        }
        long now = config.clock().millis();
        state.recordCall(route.calls, now);
        Faults f = controls.faults();
        responder.delayAnswers(ex, route == Route.CREATE ? f.createLatencyMs() : route == Route.STATUS ? f.statusLatencyMs() : 0);
        responder.errorsAsHttp200(ex, f.errorsAsHttp200());
        if (!allowedMethod(ex, route) || inOutage(ex, route, now)) {
            return null;
        }
        String key = authenticated(ex);
        if (key == null || limited(ex, key, now)) {
            return null;
        }
        if (route.endpoint != null && (faulted(ex, route.endpoint, f) || !knownModel(ex, route, path))) {
            return null;
        }
        return new Call(route, key, f, now);
    }

    private boolean allowedMethod(HttpExchange ex, Route route) {
        if (route.method.equals(ex.getRequestMethod())) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", route.method);
        responder.send(ex, 405, Envelopes.error(405, "method " + ex.getRequestMethod() + " not allowed, use " + route.method));
        return false;
    }

    /** True after an outage's answer: the call does nothing else. */
    private boolean inOutage(HttpExchange ex, Route route, long now) {
        Faults outage = controls.outageTaking(route.endpoint, now);
        if (outage == null) {
            return false;
        }
        state.count(SimulatorState.Count.OUTAGE_ERRORS);
        if (outage.outageRetryAfterSeconds() != null) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(outage.outageRetryAfterSeconds()));
        }
        int status = outage.outageStatus();
        responder.send(ex, status, Envelopes.error(status, status == 503 ? "service temporarily unavailable" : "server error",
                "the model is temporarily unavailable: try again later"));
        return true;
    }

    /** The caller's valid key, or null after a 401 or 403. */
    private String authenticated(HttpExchange ex) {
        String key = Exchanges.bearerKey(ex);
        if (key != null && config.apiKeys().contains(key)) {
            return key;
        }
        state.count(SimulatorState.Count.AUTH_FAILURES);
        if (key != null && config.forbiddenKeys().contains(key)) {
            // The vendor's "API key lacks permission": told from a content refusal (also 403) by the body only.
            responder.send(ex, 403, Envelopes.error(403, "forbidden: API key lacks permission",
                    "this API key has no access to model " + config.model()));
        } else {
            responder.send(ex, 401, Envelopes.error(401, key == null ? "missing Authorization: Bearer header" : "invalid API key"));
        }
        return null;
    }

    /** True after a 429: a storm, or the key's rate window is full (when the limits are on). */
    private boolean limited(HttpExchange ex, String key, long now) {
        if (controls.inStorm(now)) {
            state.count(SimulatorState.Count.RATE_LIMITED);
            responder.sendTooMany(ex, controls.stormRetryAfter(), "too many requests");
            return true;
        }
        if (!controls.limitsEnabled()) {
            return false;
        }
        int retryAfter = state.admitCall(key, now, config.callsPerWindow());
        if (retryAfter > 0) {
            responder.sendTooMany(ex, retryAfter, "rate limit exceeded: " + config.callsPerWindow() + " calls per "
                    + config.rateWindow().toSeconds() + " s");
            return true;
        }
        return false;
    }

    /** True when the hang or the error fault took the call. */
    private boolean faulted(HttpExchange ex, Endpoint endpoint, Faults f) {
        boolean create = endpoint == Endpoint.CREATE;
        if (dice.roll(create ? FaultDice.Stream.CREATE_HANG : FaultDice.Stream.STATUS_HANG,
                create ? f.createHangRate() : f.statusHangRate())) {
            state.count(SimulatorState.Count.HANGS);
            responder.hang(ex, f.hangMs());
            return true;
        }
        if (dice.roll(create ? FaultDice.Stream.CREATE_ERROR : FaultDice.Stream.STATUS_ERROR,
                create ? f.createErrorRate() : f.statusErrorRate())) {
            state.count(SimulatorState.Count.INJECTED_ERRORS);
            responder.send(ex, f.errorStatus(), Envelopes.error(f.errorStatus(), f.errorStatus() >= 500 ? "internal server error"
                    : "HTTP " + f.errorStatus()));
            return true;
        }
        return false;
    }

    private boolean knownModel(HttpExchange ex, Route route, String path) {
        String model = path.substring(route == Route.CREATE ? CREATE_PREFIX.length() : STATUS_PREFIX.length());
        if (config.model().equals(model)) {
            return true;
        }
        state.count(SimulatorState.Count.NOT_FOUND);
        responder.send(ex, 404, Envelopes.error(404, "model not found: " + model));
        return false;
    }
}
