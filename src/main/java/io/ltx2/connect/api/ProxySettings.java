package io.ltx2.connect.api;

import org.apache.kafka.common.config.types.Password;

import java.util.List;
import java.util.Objects;

/**
 * An outbound HTTP proxy for the API's calls ({@code ltx.api.proxy.*}). HTTPS calls go through it
 * in a CONNECT tunnel, so the proxy sees the API's host name but never the API key; plain
 * {@code http://} calls (a local simulator) are forwarded. With credentials, the client answers the
 * proxy's Basic challenge, and only the proxy's: the credentials are scoped to its host and port.
 *
 * @param host          the proxy's host name or address
 * @param port          the proxy's port
 * @param username      the proxy user, or null for a proxy that asks for no credentials
 * @param password      the proxy user's password, or null; never logged ({@link #toString()} hides it)
 * @param nonProxyHosts hosts reached directly, in the syntax of the JVM's {@code http.nonProxyHosts}:
 *                      a host name or address, with {@code *} standing for any characters
 *                      ({@code *.internal}, {@code localhost}, {@code 10.*}); matched without case
 */
public record ProxySettings(String host, int port, String username, Password password, List<String> nonProxyHosts) {

    public ProxySettings {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the proxy host is blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the proxy port must be 1 to 65535, was " + port);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("a proxy password needs a proxy user name");
        }
        nonProxyHosts = List.copyOf(nonProxyHosts);
    }

    /** A proxy without credentials and without exceptions. */
    public static ProxySettings of(String host, int port) {
        return new ProxySettings(host, port, null, null, List.of());
    }

    /** Whether the client answers the proxy's challenge with credentials. */
    public boolean authenticates() {
        return username != null;
    }

    /** {@code host:port}, for logs. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "ProxySettings[" + address() + (username == null ? "" : ", user " + username + ", password [hidden]")
                + (nonProxyHosts.isEmpty() ? "" : ", direct to " + nonProxyHosts) + "]";
    }
}
