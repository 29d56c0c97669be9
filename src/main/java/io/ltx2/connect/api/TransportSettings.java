package io.ltx2.connect.api;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link LtxApiClient} reaches the API: through which proxy and with which TLS settings.
 *
 * @param proxy the configured proxy, or empty to follow the JVM's proxy settings
 *              ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts}, through
 *              {@link java.net.ProxySelector#getDefault()})
 * @param tls   the TLS settings
 */
public record TransportSettings(Optional<ProxySettings> proxy, TlsSettings tls) {

    /** The JVM's proxy settings and trust, host names verified. */
    public static final TransportSettings DEFAULT = new TransportSettings(Optional.empty(), TlsSettings.DEFAULT);

    public TransportSettings {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(tls, "tls");
    }

    public TransportSettings withProxy(ProxySettings p) {
        return new TransportSettings(Optional.of(p), tls);
    }

    public TransportSettings withTls(TlsSettings t) {
        return new TransportSettings(proxy, t);
    }
}
