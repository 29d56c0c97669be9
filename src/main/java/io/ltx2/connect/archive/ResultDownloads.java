package io.ltx2.connect.archive;

import io.ltx2.connect.api.ProxyRoutes;
import io.ltx2.connect.api.ProxySettings;
import io.ltx2.connect.api.TlsContextFactory;
import io.ltx2.connect.api.TransportSettings;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * Opens result URLs for streaming, with HttpClient 5's classic (blocking) client, which the plugin
 * bundles for the API already: a pool of {@code ltx.archive.max.concurrent} connections, the connect
 * time-out and a read time-out on every socket read (a stalled download fails instead of hanging), the
 * API's route ({@code ltx.api.proxy.*} or the JVM's proxy settings: result URLs leave through the same
 * egress) and the API's trust ({@code ltx.api.ssl.*} trust store or certificates, else the JVM's CAs, with
 * host names verified unless that is switched off for the API). No client certificate: a CDN asks for
 * none. Redirects are followed (CDNs redirect); content is never decompressed (the bytes stored are the
 * bytes served).
 */
final class ResultDownloads implements AutoCloseable {

    /** An open download: its body streams from the connection; close it. */
    interface Download extends AutoCloseable {
        InputStream body() throws IOException;

        /** The declared length, or -1. */
        long contentLength();

        /** The declared type, or null. */
        String contentType();

        @Override
        void close();
    }

    /** Opens a URL; the seam of the unit tests. */
    interface Opener {
        Download open(String url) throws ArchiveException;
    }

    private final CloseableHttpClient http;

    ResultDownloads(TransportSettings transport, int maxConnections, Duration connectTimeout, Duration readTimeout) {
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout))
                        .build())
                .setTlsSocketStrategy(tls(transport))
                .build();
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(readTimeout))
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .build())
                .setRoutePlanner(ProxyRoutes.planner(transport.proxy()))
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .setUserAgent("ltx2-kafka-connect-archive");
        transport.proxy().filter(ProxySettings::authenticates).ifPresent(p -> builder.setDefaultCredentialsProvider(ProxyRoutes.credentials(p)));
        this.http = builder.build();
    }

    private static org.apache.hc.client5.http.ssl.TlsSocketStrategy tls(TransportSettings transport) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, TlsContextFactory.trustManagers(transport.tls()), null);
            ClientTlsStrategyBuilder b = ClientTlsStrategyBuilder.create().setSslContext(context);
            if (transport.tls().hostnameVerification()) {
                b.setHostVerificationPolicy(HostnameVerificationPolicy.BOTH).setHostnameVerifier(new DefaultHostnameVerifier());
            } else {
                b.setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT).setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
            }
            return b.buildClassic();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the result downloads: " + e.getMessage(), e);
        }
    }

    /** Opens {@code url}: a 2xx answer with its body, or the failure classified. */
    @SuppressWarnings("deprecation") // execute(request) is the classic API's way to keep the response open while it streams
    Download open(String url) throws ArchiveException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(ArchiveException.Kind.SOURCE_REFUSED, "not a URL: " + ArchiveException.redact(url));
        }
        CloseableHttpResponse response;
        try {
            response = http.execute(new HttpGet(uri));
        } catch (IOException e) {
            throw new ArchiveException(ArchiveException.Kind.SOURCE_UNAVAILABLE, "download of " + ArchiveException.redact(url)
                    + " failed: " + e, e);
        }
        int status = response.getCode();
        if (status / 100 != 2) {
            closeQuietly(response);
            throw refused(url, status);
        }
        return new OpenDownload(response);
    }

    static ArchiveException refused(String url, int status) {
        String where = "HTTP " + status + " from " + ArchiveException.redact(url);
        if (status == 403 || status == 404 || status == 410) {
            return new ArchiveException(ArchiveException.Kind.SOURCE_GONE, where + ": the result URL has expired or is refused");
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new ArchiveException(ArchiveException.Kind.SOURCE_UNAVAILABLE, where);
        }
        return new ArchiveException(ArchiveException.Kind.SOURCE_REFUSED, where);
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private record OpenDownload(CloseableHttpResponse response) implements Download {
        @Override
        public InputStream body() throws IOException {
            HttpEntity entity = response.getEntity();
            return entity == null ? InputStream.nullInputStream() : entity.getContent();
        }

        @Override
        public long contentLength() {
            HttpEntity entity = response.getEntity();
            return entity == null ? 0 : entity.getContentLength();
        }

        @Override
        public String contentType() {
            Header h = response.getFirstHeader("Content-Type");
            return h == null ? null : h.getValue();
        }

        @Override
        public void close() {
            // Closing the response without reading the rest drops the connection: a failed transfer must not read on.
            closeQuietly(response);
        }
    }
}
