package io.ltx2.connect.api;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The API's route: through the configured proxy (except to its non-proxy hosts), or as the JVM's
 * {@link ProxySelector#getDefault()} says when none is configured, which follows
 * {@code https.proxyHost}/{@code https.proxyPort}, {@code http.proxyHost}/{@code http.proxyPort}
 * and {@code http.nonProxyHosts} (read at each call, so a worker's {@code -D} options apply).
 * Either way HttpClient's {@link SystemDefaultRoutePlanner} plans the route: a CONNECT tunnel for
 * https, forwarding for http. Public for the archive stage's downloads, which take the same route.
 */
public final class ProxyRoutes {

    private ProxyRoutes() {
    }

    public static HttpRoutePlanner planner(Optional<ProxySettings> proxy) {
        return new SystemDefaultRoutePlanner(proxy.<ProxySelector>map(ConfiguredSelector::new).orElse(null));
    }

    /** The proxy's Basic credentials, for the proxy's host and port only; none for any other challenge. */
    public static CredentialsProvider credentials(ProxySettings proxy) {
        BasicCredentialsProvider provider = new BasicCredentialsProvider();
        char[] password = proxy.password() == null || proxy.password().value() == null ? new char[0] : proxy.password().value().toCharArray();
        provider.setCredentials(new AuthScope(proxy.host(), proxy.port()), new UsernamePasswordCredentials(proxy.username(), password));
        return provider;
    }

    /**
     * One regular expression for the patterns, in the JVM's {@code http.nonProxyHosts} manner: a
     * {@code *} matches any characters, everything else itself, without case; an IPv6 address
     * matches with or without its brackets.
     */
    static Pattern nonProxyPattern(List<String> patterns) {
        String alternatives = patterns.stream()
                .map(p -> p.trim().toLowerCase(Locale.ROOT))
                .filter(p -> !p.isEmpty())
                .map(p -> p.startsWith("[") && p.endsWith("]") ? p.substring(1, p.length() - 1) : p)
                .map(p -> Pattern.quote(p).replace("*", "\\E.*\\Q"))
                .collect(Collectors.joining("|"));
        return alternatives.isEmpty() ? null : Pattern.compile(alternatives, Pattern.CASE_INSENSITIVE);
    }

    /** Whether {@code host} (as in a URI: IPv6 in brackets) goes direct. */
    static boolean bypasses(Pattern nonProxy, String host) {
        if (nonProxy == null || host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return nonProxy.matcher(bare).matches();
    }

    /** The configured proxy for every host but the non-proxy ones. */
    static final class ConfiguredSelector extends ProxySelector {
        private final Proxy proxy;
        private final Pattern nonProxy;

        ConfiguredSelector(ProxySettings settings) {
            this.proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(settings.host(), settings.port()));
            this.nonProxy = nonProxyPattern(settings.nonProxyHosts());
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(bypasses(nonProxy, uri.getHost()) ? Proxy.NO_PROXY : proxy);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // nothing to learn: there is one proxy
        }
    }
}
