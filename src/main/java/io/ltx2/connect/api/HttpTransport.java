package io.ltx2.connect.api;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTTP client of one {@link LtxApiClient}: a pool of at most
 * {@code ltx.api.max.connections} connections on one I/O thread, with the configured time-outs,
 * route ({@link ProxyRoutes}) and TLS ({@link TlsContextFactory}). Retries, redirects and cookies
 * are off: the client's own retry policy decides what is retried, and a create must never be
 * re-sent by a library behind its back.
 */
final class HttpTransport {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);

    private HttpTransport() {
    }

    /**
     * The started client.
     *
     * @param certificates the client's key manager, which notes a client certificate asked for and not given
     */
    static CloseableHttpAsyncClient create(ApiClientSettings settings, ClientCertificateWatch certificates) {
        TransportSettings transport = settings.transport();
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.responseTimeout()))
                        .build())
                .setTlsStrategy(tlsStrategy(transport.tls(), certificates))
                .build();
        HttpAsyncClientBuilder builder = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(settings.responseTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(settings.responseTimeout()))
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .setRoutePlanner(ProxyRoutes.planner(transport.proxy()))
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .setUserAgent("ltx2-kafka-connect");
        transport.proxy().filter(ProxySettings::authenticates).ifPresent(p -> builder.setDefaultCredentialsProvider(ProxyRoutes.credentials(p)));
        CloseableHttpAsyncClient http = builder.build();
        http.start();
        logTransport(settings);
        return http;
    }

    /**
     * The configured trust and client certificate. Host names are checked by HttpClient's own
     * verifier once the handshake is done (before any request is sent), and by the JDK during the
     * handshake where it does: policy BOTH. Not BUILTIN alone: with httpclient5 5.5.1's async client
     * it checks nothing (the endpoint identification algorithm is set after the engine's parameters
     * were applied), which {@code LtxApiClientTlsTest} caught. Turned off: no check at all.
     */
    static TlsStrategy tlsStrategy(TlsSettings tls, ClientCertificateWatch certificates) {
        ClientTlsStrategyBuilder builder = ClientTlsStrategyBuilder.create().setSslContext(TlsContextFactory.create(tls, certificates));
        if (tls.hostnameVerification()) {
            builder.setHostVerificationPolicy(HostnameVerificationPolicy.BOTH).setHostnameVerifier(new DefaultHostnameVerifier());
        } else {
            builder.setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT).setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
        }
        return builder.build();
    }

    private static void logTransport(ApiClientSettings settings) {
        TransportSettings transport = settings.transport();
        String route = transport.proxy().map(p -> "through proxy " + p.address() + (p.authenticates() ? " as " + p.username() : "")
                        + (p.nonProxyHosts().isEmpty() ? "" : ", direct to " + p.nonProxyHosts()))
                .orElseGet(HttpTransport::jvmProxy);
        log.info("API client for {}: {}; TLS trust: {}; client certificate: {}", settings.baseUrl(), route, transport.tls().describeTrust(),
                transport.tls().keystore() == null ? "none" : transport.tls().keystore().location());
        if (!transport.tls().hostnameVerification() && "https".equalsIgnoreCase(settings.baseUrl().getScheme())) {
            log.warn("Hostname verification of the API's certificate is OFF (ltx.api.ssl.endpoint.identification.enabled=false): any "
                    + "server holding a certificate from a trusted CA can pose as {} and read the API key. Use it for tests only.",
                    settings.baseUrl().getHost());
        }
    }

    private static String jvmProxy() {
        String https = System.getProperty("https.proxyHost");
        String http = System.getProperty("http.proxyHost");
        if (https == null && http == null) {
            return "direct (no ltx.api.proxy.host; the JVM's proxy settings name none)";
        }
        return "by the JVM's proxy settings (https.proxyHost=" + https + ", http.proxyHost=" + http
                + ", http.nonProxyHosts=" + System.getProperty("http.nonProxyHosts") + ")";
    }
}
