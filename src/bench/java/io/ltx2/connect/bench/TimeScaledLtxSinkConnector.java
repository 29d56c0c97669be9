package io.ltx2.connect.bench;

import io.ltx2.connect.LtxSinkConnector;
import io.ltx2.connect.config.LtxSinkConfig;
import org.apache.kafka.common.config.Config;

import java.util.HashMap;
import java.util.Map;

/**
 * Benchmark-only: our sink connector, same task class, for runs against a time-scaled simulator.
 * The real connector refuses {@code ltx.api.rate.limit.per.minute} above the API's 10,000 calls per
 * minute; at time scale s one API minute lasts s wall minutes, so the same budget is 1/s times larger
 * per wall minute. This subclass validates the budget in API time ({@code bench.time.scale} x the
 * configured value) and changes nothing else.
 */
public final class TimeScaledLtxSinkConnector extends LtxSinkConnector {
    static final String TIME_SCALE = "bench.time.scale";

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        double scale = Double.parseDouble(connectorConfigs.getOrDefault(TIME_SCALE, "1"));
        Map<String, String> inApiTime = new HashMap<>(connectorConfigs);
        String rate = connectorConfigs.get(LtxSinkConfig.API_RATE_LIMIT);
        if (rate != null) {
            inApiTime.put(LtxSinkConfig.API_RATE_LIMIT, String.valueOf(Math.max(1, Math.round(Integer.parseInt(rate) * scale))));
        }
        return super.validate(inApiTime);
    }
}
