package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.sun.net.httpserver.HttpExchange;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code GET /api/v1/apikeys/current-balance} once the call passed its {@link CallGates}: the
 * vendor's answer, {@code data} the remaining balance in USD as a number (the seconds of video left
 * times the price per second, four decimals like the vendor's example). The simulator keeps one
 * balance for all its keys. An unlimited balance answers {@value #UNLIMITED_USD} USD, a figure no
 * client will run down.
 */
final class BalanceHandler {
    static final long UNLIMITED_USD = 1_000_000;

    private final SimulatorState state;
    private final double pricePerSecond;
    private final Responder responder;

    BalanceHandler(SimulatorState state, double pricePerSecond, Responder responder) {
        this.state = state;
        this.pricePerSecond = pricePerSecond;
        this.responder = responder;
    }

    void handle(HttpExchange ex) {
        responder.send(ex, 200, Envelopes.ok(DecimalNode.valueOf(usd(state.balanceSeconds(), pricePerSecond))));
    }

    /** The USD worth of {@code seconds} of video, four decimals; unlimited for null. */
    static BigDecimal usd(Long seconds, double pricePerSecond) {
        BigDecimal usd = seconds == null ? BigDecimal.valueOf(UNLIMITED_USD)
                : BigDecimal.valueOf(pricePerSecond).multiply(BigDecimal.valueOf(seconds));
        return usd.setScale(4, RoundingMode.HALF_UP);
    }
}
