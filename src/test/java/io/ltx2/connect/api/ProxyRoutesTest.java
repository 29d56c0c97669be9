package io.ltx2.connect.api;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.core5.http.HttpHost;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyRoutesTest {

    @Test
    void nonProxyPatternsFollowTheJvmSyntaxWithoutCase() {
        Pattern p = ProxyRoutes.nonProxyPattern(List.of("*.internal", "localhost", "10.*", "[::1]", "api.*.example.com"));

        assertThat(ProxyRoutes.bypasses(p, "billing.internal")).isTrue();
        assertThat(ProxyRoutes.bypasses(p, "A.B.INTERNAL")).isTrue();
        assertThat(ProxyRoutes.bypasses(p, "localhost")).isTrue();
        assertThat(ProxyRoutes.bypasses(p, "10.1.2.3")).isTrue();
        assertThat(ProxyRoutes.bypasses(p, "[::1]")).isTrue();
        assertThat(ProxyRoutes.bypasses(p, "api.eu.example.com")).isTrue();

        assertThat(ProxyRoutes.bypasses(p, "api.apixo.ai")).isFalse();
        assertThat(ProxyRoutes.bypasses(p, "internal")).isFalse();
        assertThat(ProxyRoutes.bypasses(p, "localhost.evil.com")).as("whole host, not a prefix").isFalse();
        assertThat(ProxyRoutes.bypasses(p, "110.1.2.3")).isFalse();
        assertThat(ProxyRoutes.bypasses(p, "127.0.0.1")).as("no default entries are added").isFalse();
        assertThat(ProxyRoutes.bypasses(ProxyRoutes.nonProxyPattern(List.of()), "localhost")).isFalse();
        assertThat(ProxyRoutes.bypasses(ProxyRoutes.nonProxyPattern(List.of("a.b")), "aXb")).as("a dot is a dot").isFalse();
    }

    @Test
    void theConfiguredSelectorProxiesEveryHostButTheNonProxyOnes() {
        ProxyRoutes.ConfiguredSelector selector = new ProxyRoutes.ConfiguredSelector(
                new ProxySettings("proxy.corp", 3128, null, null, List.of("*.internal")));

        List<Proxy> api = selector.select(URI.create("https://api.apixo.ai/api/v1"));
        assertThat(api).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(Proxy.Type.HTTP);
            InetSocketAddress address = (InetSocketAddress) p.address();
            assertThat(address.isUnresolved()).as("resolved by the proxy route, not here").isTrue();
            assertThat(address.getHostString()).isEqualTo("proxy.corp");
            assertThat(address.getPort()).isEqualTo(3128);
        });
        assertThat(selector.select(URI.create("https://gateway.internal/api/v1"))).containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void proxyCredentialsAreScopedToTheProxyAlone() {
        CredentialsProvider provider = ProxyRoutes.credentials(
                new ProxySettings("proxy.corp", 3128, "svc-ltx", new Password("pw-123"), List.of()));

        UsernamePasswordCredentials forProxy = (UsernamePasswordCredentials) provider.getCredentials(
                new AuthScope(new HttpHost("http", "proxy.corp", 3128), "corp", "Basic"), null);
        assertThat(forProxy.getUserName()).isEqualTo("svc-ltx");
        assertThat(new String(forProxy.getUserPassword())).isEqualTo("pw-123");

        assertThat(provider.getCredentials(new AuthScope(new HttpHost("https", "api.apixo.ai", 443), null, "Basic"), null))
                .as("the API host never gets them").isNull();
        assertThat(provider.getCredentials(new AuthScope(new HttpHost("http", "proxy.corp", 8080), null, "Basic"), null))
                .as("another port of the proxy's host").isNull();
    }

    @Test
    void settingsRefuseNonsenseAndHideThePassword() {
        ProxySettings s = new ProxySettings("proxy.corp", 3128, "svc-ltx", new Password("pw-SECRET-9"), List.of("*.internal"));
        assertThat(s.toString()).contains("proxy.corp:3128", "svc-ltx", "[hidden]", "*.internal").doesNotContain("pw-SECRET-9");
        assertThat(s.authenticates()).isTrue();
        assertThat(ProxySettings.of("::1", 8080).address()).isEqualTo("[::1]:8080");

        assertThatThrownBy(() -> ProxySettings.of(" ", 3128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySettings.of("p", 0)).hasMessageContaining("port");
        assertThatThrownBy(() -> new ProxySettings("p", 1, null, new Password("x"), List.of())).hasMessageContaining("user name");
    }
}
