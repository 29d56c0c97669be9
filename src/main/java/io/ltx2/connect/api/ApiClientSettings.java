package io.ltx2.connect.api;

import io.ltx2.connect.util.Redaction;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@link LtxApiClient} needs. {@code toString} hides the key (Password's own
 * toString prints {@code [hidden]}) and every password of the transport settings; {@code redaction}
 * hides the connector's secrets in what the API answers.
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
        TransportSettings transport,
        Redaction redaction) {

    public ApiClientSettings {
        redaction = redaction == null ? Redaction.NONE : redaction;
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(transport, "transport");
    }

    /** Settings with the JVM's proxy settings and trust ({@link TransportSettings#DEFAULT}). */
    public ApiClientSettings(URI baseUrl, Password apiKey, String model, Duration connectTimeout, Duration responseTimeout,
                             int maxConnections, double callsPerMinute, RetryPolicy retryPolicy) {
        this(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, retryPolicy, TransportSettings.DEFAULT,
                Redaction.NONE);
    }

    public ApiClientSettings withRetryPolicy(RetryPolicy policy) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, policy, transport,
                redaction);
    }

    public ApiClientSettings withCallsPerMinute(double perMinute) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, perMinute, retryPolicy, transport,
                redaction);
    }

    public ApiClientSettings withTransport(TransportSettings t) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, retryPolicy, t,
                redaction);
    }

    /** The same settings hiding {@code more} secrets too. */
    public ApiClientSettings withRedaction(Redaction more) {
        return new ApiClientSettings(baseUrl, apiKey, model, connectTimeout, responseTimeout, maxConnections, callsPerMinute, retryPolicy,
                transport, redaction.and(more));
    }
}
