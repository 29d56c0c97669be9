package io.ltx2.connect.simulator;

import com.sun.net.httpserver.HttpExchange;

/**
 * What an API call passes before its endpoint's handler sees it, in this order: route (404),
 * method (405), Bearer key (401, or 403 for a forbidden key), 429 storm, rate limit (429 with
 * {@code Retry-After} until the oldest call leaves the window), hang fault, error fault (5xx),
 * model (404). A call stopped by a gate is answered here. The latency fault's delay is set on
 * every call once its route is known, so it applies to every answer of that endpoint.
 */
final class CallGates {
    private static final String CREATE_PREFIX = ApiSimulator.API_PREFIX + "/generateTask/";
    private static final String STATUS_PREFIX = ApiSimulator.API_PREFIX + "/statusTask/";

    /** A call that passed every gate: its endpoint, its key, the faults it sees and its time. */
    record Call(Endpoint endpoint, String apiKey, Faults faults, long now) {
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
        Endpoint endpoint = path.startsWith(CREATE_PREFIX) ? Endpoint.CREATE
                : path.startsWith(STATUS_PREFIX) ? Endpoint.STATUS : null;
        if (endpoint == null) {
            state.count(SimulatorState.Count.NOT_FOUND);
            responder.send(ex, 404, Envelopes.error(404, "no such endpoint: " + path));
            return null;
        }
        long now = config.clock().millis();
        state.recordCall(endpoint, now);
        Faults f = controls.faults();
        responder.delayAnswers(ex, endpoint == Endpoint.CREATE ? f.createLatencyMs() : f.statusLatencyMs());
        if (!allowedMethod(ex, endpoint)) {
            return null;
        }
        String key = authenticated(ex);
        if (key == null || limited(ex, key, now) || faulted(ex, endpoint, f) || !knownModel(ex, endpoint, path)) {
            return null;
        }
        return new Call(endpoint, key, f, now);
    }

    private boolean allowedMethod(HttpExchange ex, Endpoint endpoint) {
        String method = endpoint == Endpoint.CREATE ? "POST" : "GET";
        if (method.equals(ex.getRequestMethod())) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", method);
        responder.send(ex, 405, Envelopes.error(405, "method " + ex.getRequestMethod() + " not allowed, use " + method));
        return false;
    }

    /** The caller's valid key, or null after a 401 or 403. */
    private String authenticated(HttpExchange ex) {
        String key = Exchanges.bearerKey(ex);
        if (key != null && config.apiKeys().contains(key)) {
            return key;
        }
        state.count(SimulatorState.Count.AUTH_FAILURES);
        if (key != null && config.forbiddenKeys().contains(key)) {
            responder.send(ex, 403, Envelopes.error(403, "forbidden: this API key has no access to the model"));
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
            responder.send(ex, f.errorStatus(), Envelopes.error(f.errorStatus(), "internal server error"));
            return true;
        }
        return false;
    }

    private boolean knownModel(HttpExchange ex, Endpoint endpoint, String path) {
        String model = path.substring(endpoint == Endpoint.CREATE ? CREATE_PREFIX.length() : STATUS_PREFIX.length());
        if (config.model().equals(model)) {
            return true;
        }
        state.count(SimulatorState.Count.NOT_FOUND);
        responder.send(ex, 404, Envelopes.error(404, "model not found: " + model));
        return false;
    }
}
