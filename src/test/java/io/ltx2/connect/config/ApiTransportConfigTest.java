package io.ltx2.connect.config;

import io.ltx2.connect.api.ProxySettings;
import io.ltx2.connect.api.TlsSettings;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "API transport" keys: definitions, typed accessors, the rules across them and the clear-text rule. */
class ApiTransportConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(LtxConfig.API_KEY, "sk-secret-123");
        props.put(LtxConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        return props;
    }

    private static LtxConfig config(Map<String, String> props) {
        return new LtxConfig(LtxConfig.baseConfigDef(), props);
    }

    @Test
    void bothConnectorsDefineEveryTransportKeyWithDocDisplayNameAndWidth() {
        for (ConfigDef def : List.of(LtxSinkConfig.configDef(), LtxSourceConfig.configDef())) {
            for (String key : ApiTransportConfig.KEYS) {
                ConfigDef.ConfigKey k = def.configKeys().get(key);
                assertThat(k).as(key).isNotNull();
                assertThat(k.group).isEqualTo(ApiTransportConfig.GROUP);
                assertThat(k.documentation).isNotBlank();
                assertThat(k.displayName).isNotBlank();
                assertThat(k.width).isNotEqualTo(ConfigDef.Width.NONE);
                assertThat(k.type == ConfigDef.Type.PASSWORD).as(key + " is a password").isEqualTo(key.contains("password"));
            }
        }
        assertThat(LtxConfig.baseConfigDef().configKeys().get(ApiTransportConfig.SSL_TRUSTSTORE_LOCATION).documentation)
                .contains("REPLACES the JVM's default CAs");
    }

    @Test
    void byDefaultTheJvmsProxySettingsAndTrustApplyWithHostNamesVerified() {
        LtxConfig config = config(minimal());
        assertThat(config.apiProxy()).isEmpty();
        assertThat(config.apiTls()).isEqualTo(TlsSettings.DEFAULT);
        assertThat(config.apiClientSettings(1.0).transport().tls().hostnameVerification()).isTrue();
    }

    @Test
    void typedAccessorsReturnTheDomainTypes() {
        Map<String, String> props = minimal();
        props.put(ApiTransportConfig.PROXY_HOST, " proxy.corp ");
        props.put(ApiTransportConfig.PROXY_PORT, "3128");
        props.put(ApiTransportConfig.PROXY_USERNAME, "svc-ltx");
        props.put(ApiTransportConfig.PROXY_PASSWORD, "proxy-pw");
        props.put(ApiTransportConfig.PROXY_NON_PROXY_HOSTS, "*.internal|localhost, 10.*");
        props.put(ApiTransportConfig.SSL_TRUSTSTORE_LOCATION, "/etc/ltx/trust.p12");
        props.put(ApiTransportConfig.SSL_TRUSTSTORE_TYPE, "pkcs12");
        props.put(ApiTransportConfig.SSL_KEYSTORE_LOCATION, "/etc/ltx/client.jks");
        props.put(ApiTransportConfig.SSL_KEYSTORE_PASSWORD, "ks-pw");
        props.put(ApiTransportConfig.SSL_KEY_PASSWORD, "key-pw");
        props.put(ApiTransportConfig.SSL_ENDPOINT_IDENTIFICATION, "false");
        LtxConfig config = config(props);

        ProxySettings proxy = config.apiProxy().orElseThrow();
        assertThat(proxy.host()).isEqualTo("proxy.corp");
        assertThat(proxy.port()).isEqualTo(3128);
        assertThat(proxy.username()).isEqualTo("svc-ltx");
        assertThat(proxy.password().value()).isEqualTo("proxy-pw");
        assertThat(proxy.nonProxyHosts()).containsExactly("*.internal", "localhost", "10.*");

        TlsSettings tls = config.apiTls();
        assertThat(tls.truststore().location()).isEqualTo(Path.of("/etc/ltx/trust.p12"));
        assertThat(tls.truststore().type()).isEqualTo("PKCS12");
        assertThat(tls.truststore().password()).isNull();
        assertThat(tls.keystore().type()).isEqualTo("JKS");
        assertThat(tls.keystore().password().value()).isEqualTo("ks-pw");
        assertThat(tls.keyPassword().value()).isEqualTo("key-pw");
        assertThat(tls.hostnameVerification()).isFalse();
        assertThat(config.transport().proxy()).contains(proxy);
        assertThat(config.apiClientSettings(1.0).toString()).doesNotContain("proxy-pw", "ks-pw", "key-pw", "sk-secret-123");
    }

    @Test
    void keysThatOnlyWorkTogetherAreCheckedTogether() {
        Map<String, Object> values = new HashMap<>();
        values.put(ApiTransportConfig.PROXY_HOST, "proxy.corp");
        assertThat(keysOf(values)).containsExactly(ApiTransportConfig.PROXY_PORT);
        values.put(ApiTransportConfig.PROXY_PORT, 3128);
        values.put(ApiTransportConfig.PROXY_USERNAME, "u");
        assertThat(keysOf(values)).containsExactly(ApiTransportConfig.PROXY_PASSWORD);

        values.clear();
        values.put(ApiTransportConfig.PROXY_NON_PROXY_HOSTS, List.of("*.internal"));
        assertThat(ApiTransportRules.problems(values)).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(ApiTransportConfig.PROXY_NON_PROXY_HOSTS);
            assertThat(p.message()).contains("http.nonProxyHosts");
        });

        values.clear();
        values.put(ApiTransportConfig.SSL_TRUSTSTORE_LOCATION, "/t.jks");
        values.put(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES, "-----BEGIN CERTIFICATE-----");
        values.put(ApiTransportConfig.SSL_KEYSTORE_LOCATION, "/k.p12");
        assertThat(keysOf(values)).containsExactlyInAnyOrder(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES, ApiTransportConfig.SSL_KEYSTORE_PASSWORD);

        Map<String, String> props = minimal();
        props.put(ApiTransportConfig.PROXY_PORT, "3128");
        assertThatThrownBy(() -> config(props).apiClientSettings(1.0)).isInstanceOf(ConnectException.class)
                .hasMessageContaining(ApiTransportConfig.PROXY_HOST);
    }

    @Test
    void singleKeyValidatorsRefuseAUrlForAHostABadPortAndABadPattern() {
        Map<String, String> props = minimal();
        props.put(ApiTransportConfig.PROXY_HOST, "proxy.corp:3128");
        props.put(ApiTransportConfig.PROXY_PORT, "70000");
        props.put(ApiTransportConfig.PROXY_NON_PROXY_HOSTS, "*.internal, bad pattern!");
        props.put(ApiTransportConfig.SSL_TRUSTSTORE_TYPE, "PEM");
        Map<String, List<String>> errors = new HashMap<>();
        LtxConfig.baseConfigDef().validate(props).forEach(v -> {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        });
        assertThat(errors).containsOnlyKeys(ApiTransportConfig.PROXY_HOST, ApiTransportConfig.PROXY_PORT,
                ApiTransportConfig.PROXY_NON_PROXY_HOSTS, ApiTransportConfig.SSL_TRUSTSTORE_TYPE);
        assertThat(errors.get(ApiTransportConfig.PROXY_HOST)).singleElement().asString().contains("port in its own key");
        assertThat(errors.get(ApiTransportConfig.PROXY_NON_PROXY_HOSTS)).singleElement().asString().contains("bad pattern!");

        props.put(ApiTransportConfig.PROXY_HOST, "::1");
        props.put(ApiTransportConfig.PROXY_PORT, "3128");
        props.put(ApiTransportConfig.PROXY_NON_PROXY_HOSTS, "localhost|127.*,[::1]");
        props.put(ApiTransportConfig.SSL_TRUSTSTORE_TYPE, "pkcs12");
        assertThat(LtxConfig.baseConfigDef().validate(props)).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    private static List<String> keysOf(Map<String, Object> values) {
        return ApiTransportRules.problems(values).stream().map(ApiTransportRules.Problem::key).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]"})
    void httpToTheLoopbackIsAllowed(String host) {
        assertThat(ApiTransportRules.clearTextProblem(URI.create("http://" + host + ":8089/api/v1"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.apixo.ai", "10.0.0.5", "128.0.0.1", "127.0.0.1.example.com", "localhost.example.com", "[::2]", "simulator"})
    void httpAnywhereElseIsRefusedBecauseTheKeyWouldTravelInClearText(String host) {
        assertThat(ApiTransportRules.clearTextProblem(URI.create("http://" + host + ":8089/api/v1"))).hasValueSatisfying(m ->
                assertThat(m).contains("the API key would travel in clear text; use https:// (http:// is allowed only for a local "
                        + "simulator on 127.0.0.1)"));
        assertThat(ApiTransportRules.clearTextProblem(URI.create("https://" + host + "/api/v1"))).isEmpty();
    }
}
