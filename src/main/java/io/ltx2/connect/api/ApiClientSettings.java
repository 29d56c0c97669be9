package io.ltx2.connect.api;

import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@link LtxApiClient} needs. {@code toString} hides the key (Password's own
 * toString prints {@code [hidden]}) and every password of the transport settings.
 */
public record ApiClientSettings(
        URI baseUrl,
        Password apiKey,
        String model,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxConnections,
        double callsPerMinute,
        RetryPolicy retryPolicy,
        TransportSettings transport) {

    public ApiClientSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(transport, "transport");
    }

    /** Settings with the JVM's proxy settings and trust ({@link TransportSettings#DEFAULT}). */
    public ApiClientSettings(URI baseUrl, Password apiKey, String model, Duration connectTimeout, Duration responseTimeout,
                             int maxConnections, double callsPerMinute, RetryPolicy retryPolicy) {
        this(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, retryPolicy, TransportSettings.DEFAULT);
    }

    public ApiClientSettings withRetryPolicy(RetryPolicy policy) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, policy, transport);
    }

    public ApiClientSettings withCallsPerMinute(double perMinute) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, perMinute, retryPolicy, transport);
    }

    public ApiClientSettings withTransport(TransportSettings t) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, retryPolicy, t);
    }
}
