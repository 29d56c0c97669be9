package io.ltx2.connect.api;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;

/**
 * Sends one HTTP request of an {@link LtxApiClient} and hands its answer (or failure) to the
 * callback: HttpClient 5 in a worker ({@link #http}); the protocol simulation's virtual API in tests.
 */
public interface ApiExchange extends AutoCloseable {

    void send(SimpleHttpRequest request, FutureCallback<SimpleHttpResponse> callback);

    /**
     * Whether a server asked for a client certificate that could not be given, with no answer since:
     * a closed connection is then that problem, not a network failure ({@link ClientCertificateWatch}).
     */
    default boolean clientCertificateRefused() {
        return false;
    }

    @Override
    void close();

    /** The started HttpClient 5 of the settings: pool, time-outs, proxy and TLS ({@link HttpTransport}). */
    static ApiExchange http(ApiClientSettings settings) {
        ClientCertificateWatch certificates = ClientCertificateWatch.over(TlsContextFactory.keyManagers(settings.transport().tls()));
        return new HttpExchange(HttpTransport.create(settings, certificates), certificates);
    }
}
