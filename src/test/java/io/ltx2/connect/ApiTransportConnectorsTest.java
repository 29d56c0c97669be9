package io.ltx2.connect;

import io.ltx2.connect.api.TestCertificates;
import io.ltx2.connect.config.ApiTransportConfig;
import io.ltx2.connect.config.LtxConfig;
import io.ltx2.connect.sink.LtxSinkTask;
import io.ltx2.connect.source.LtxSourceTask;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both connectors' {@code validate} report the API transport's rules on the key to fix (the
 * clear-text rule on {@code ltx.api.url}, the proxy and TLS keys, the stores loaded), and both
 * tasks refuse a clear-text API URL when they start.
 */
class ApiTransportConnectorsTest {
    private static final String CLEAR_TEXT = "the API key would travel in clear text; use https:// "
            + "(http:// is allowed only for a local simulator on 127.0.0.1)";
    private static final List<Supplier<Connector>> CONNECTORS = List.of(LtxSinkConnector::new, LtxSourceConnector::new);

    @TempDir
    Path dir;

    private static Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "transport-test");
        p.put("topics", "requests");
        p.put(LtxConfig.API_KEY, "sk-transport-SECRET");
        p.put(LtxConfig.TRACKING_BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        return p;
    }

    private static Map<String, List<String>> errors(Connector connector, Map<String, String> props) {
        Map<String, List<String>> out = new HashMap<>();
        for (ConfigValue v : connector.validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                out.put(v.name(), v.errorMessages());
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.apixo.ai/api/v1", "http://10.1.2.3:8089/api/v1", "http://simulator:8089/api/v1"})
    void aClearTextUrlOffTheLoopbackIsAFieldErrorOnTheUrlOfBothConnectors(String url) {
        Map<String, String> p = props();
        p.put(LtxConfig.API_URL, url);
        for (Supplier<Connector> c : CONNECTORS) {
            assertThat(errors(c.get(), p)).containsOnlyKeys(LtxConfig.API_URL)
                    .hasEntrySatisfying(LtxConfig.API_URL, m -> assertThat(m).singleElement().asString().contains(CLEAR_TEXT));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8089/api/v1", "http://localhost:8089/api/v1", "https://api.apixo.ai/api/v1"})
    void theLoopbackAndHttpsAreAccepted(String url) {
        Map<String, String> p = props();
        p.put(LtxConfig.API_URL, url);
        for (Supplier<Connector> c : CONNECTORS) {
            assertThat(errors(c.get(), p)).isEmpty();
        }
    }

    @Test
    void proxyAndTlsRulesAreFieldErrorsOnTheKeyToFix() {
        Map<String, String> p = props();
        p.put(ApiTransportConfig.PROXY_HOST, "proxy.corp");
        p.put(ApiTransportConfig.PROXY_PASSWORD, "proxy-SECRET");
        p.put(ApiTransportConfig.SSL_KEYSTORE_PASSWORD, "ks-SECRET");
        for (Supplier<Connector> c : CONNECTORS) {
            Map<String, List<String>> errors = errors(c.get(), p);
            assertThat(errors).containsOnlyKeys(ApiTransportConfig.PROXY_PORT, ApiTransportConfig.PROXY_USERNAME,
                    ApiTransportConfig.SSL_KEYSTORE_LOCATION);
            assertThat(errors.toString()).doesNotContain("SECRET");
        }
        p.put(ApiTransportConfig.PROXY_HOST, "http://proxy.corp:3128");
        for (Supplier<Connector> c : CONNECTORS) {
            assertThat(errors(c.get(), p)).containsOnlyKeys(ApiTransportConfig.PROXY_HOST);
        }
    }

    @Test
    void theConfiguredTrustAndKeystoreAreLoadedAtValidate() {
        TestCertificates.Ca ca = TestCertificates.newCa("validate CA");
        Map<String, String> p = props();
        p.put(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES, ca.pem());
        for (Supplier<Connector> c : CONNECTORS) {
            assertThat(errors(c.get(), p)).isEmpty();
        }
        p.put(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES, "not PEM");
        for (Supplier<Connector> c : CONNECTORS) {
            assertThat(errors(c.get(), p)).containsOnlyKeys(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES);
        }
        p.remove(ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES);
        p.put(ApiTransportConfig.SSL_TRUSTSTORE_LOCATION, ca.writeTruststore(dir.resolve("t.p12"), "PKCS12", "right-pw").toString());
        p.put(ApiTransportConfig.SSL_TRUSTSTORE_PASSWORD, "wrong-PW-SECRET");
        p.put(ApiTransportConfig.SSL_KEYSTORE_LOCATION, dir.resolve("absent.p12").toString());
        p.put(ApiTransportConfig.SSL_KEYSTORE_PASSWORD, "ks-PW-SECRET");
        for (Supplier<Connector> c : CONNECTORS) {
            Map<String, List<String>> errors = errors(c.get(), p);
            assertThat(errors).containsOnlyKeys(ApiTransportConfig.SSL_TRUSTSTORE_LOCATION, ApiTransportConfig.SSL_KEYSTORE_LOCATION);
            assertThat(errors.get(ApiTransportConfig.SSL_KEYSTORE_LOCATION)).singleElement().asString().contains("absent.p12", "no such file");
            assertThat(errors.toString()).doesNotContain("SECRET");
        }
    }

    @Test
    void aTaskStartedWithAClearTextUrlFailsWithAConnectException() {
        Map<String, String> p = props();
        p.put(LtxConfig.API_URL, "http://api.apixo.ai/api/v1");
        for (Task task : List.of(new LtxSinkTask(), new LtxSourceTask())) {
            assertThatThrownBy(() -> task.start(p)).as(task.getClass().getSimpleName()).isInstanceOf(ConnectException.class)
                    .hasMessageContaining(CLEAR_TEXT).hasMessageNotContaining("sk-transport-SECRET");
        }
    }
}
