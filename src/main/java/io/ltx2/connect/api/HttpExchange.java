package io.ltx2.connect.api;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;

/** {@link ApiExchange} over HttpClient 5; any answer clears the client certificate watch's note. */
final class HttpExchange implements ApiExchange {
    private final CloseableHttpAsyncClient http;
    private final ClientCertificateWatch certificates;

    HttpExchange(CloseableHttpAsyncClient http, ClientCertificateWatch certificates) {
        this.http = http;
        this.certificates = certificates;
    }

    @Override
    public void send(SimpleHttpRequest request, FutureCallback<SimpleHttpResponse> callback) {
        http.execute(request, new FutureCallback<>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                certificates.answered();
                callback.completed(response);
            }

            @Override
            public void failed(Exception ex) {
                callback.failed(ex);
            }

            @Override
            public void cancelled() {
                callback.cancelled();
            }
        });
    }

    @Override
    public boolean clientCertificateRefused() {
        return certificates.unanswered();
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
    }
}
