package io.ltx2.connect.config;

import io.ltx2.connect.api.ProxySettings;
import io.ltx2.connect.api.TlsSettings;
import io.ltx2.connect.api.TransportSettings;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of how the API is reached, both connectors' group "API transport": an outbound HTTP
 * proxy ({@code ltx.api.proxy.*}) and TLS ({@code ltx.api.ssl.*}). Defined into
 * {@link LtxConfig#baseConfigDef()}, read into {@link TransportSettings}; the rules across them
 * are {@link ApiTransportRules}.
 */
public final class ApiTransportConfig {

    public static final String GROUP = "API transport";

    public static final String PROXY_HOST = "ltx.api.proxy.host";
    private static final String PROXY_HOST_DOC = "Host name or address of an HTTP proxy for the API's calls; https calls go through it in "
            + "a CONNECT tunnel, so it never sees the API key. Empty: the JVM's proxy settings apply (https.proxyHost, https.proxyPort, "
            + "http.proxyHost, http.proxyPort and http.nonProxyHosts, e.g. given to the worker in KAFKA_OPTS), and without those the "
            + "calls go direct.";
    public static final String PROXY_PORT = "ltx.api.proxy.port";
    private static final String PROXY_PORT_DOC = "Port of " + PROXY_HOST + "; required with it.";
    public static final String PROXY_USERNAME = "ltx.api.proxy.username";
    private static final String PROXY_USERNAME_DOC = "User for the proxy's Basic authentication. The credentials are only ever sent to "
            + PROXY_HOST + ". Empty: none.";
    public static final String PROXY_PASSWORD = "ltx.api.proxy.password";
    private static final String PROXY_PASSWORD_DOC = "Password of " + PROXY_USERNAME + "; supply it through a config provider "
            + "(${file:...}). Never logged or shown by the REST API. The proxy is spoken to in plain HTTP, as by the JVM's own proxy "
            + "support: its Basic credentials can be read on the way from the worker to the proxy (the API key cannot: it is inside the "
            + "TLS tunnel).";
    public static final String PROXY_NON_PROXY_HOSTS = "ltx.api.proxy.non.proxy.hosts";
    private static final String PROXY_NON_PROXY_HOSTS_DOC = "Hosts reached directly, not through " + PROXY_HOST + ": host names or "
            + "addresses in which * stands for any characters, as in the JVM's http.nonProxyHosts (e.g. localhost,127.0.0.1,*.internal; "
            + "| separates too). Unlike the JVM, no entries are added: localhost and 127.* go through the proxy unless listed. "
            + "Only with " + PROXY_HOST + ".";

    public static final String SSL_TRUSTSTORE_LOCATION = "ltx.api.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Truststore file with the CA certificates the API's certificate (or a "
            + "TLS-inspecting proxy's) is signed by. A configured truststore (this, ltx.api.ssl.truststore.certificates or "
            + "ltx.api.ssl.truststore.pem.location; one of them at most) REPLACES the JVM's default CAs, as Kafka's own ssl.truststore.* "
            + "does: it must hold every CA the API's certificate may chain to. Empty: the JVM's default CAs.";
    public static final String SSL_TRUSTSTORE_PASSWORD = "ltx.api.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of " + SSL_TRUSTSTORE_LOCATION + ". Optional: without it the "
            + "file's integrity is not checked.";
    public static final String SSL_TRUSTSTORE_TYPE = "ltx.api.ssl.truststore.type";
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "Format of " + SSL_TRUSTSTORE_LOCATION + ". JKS also reads PKCS12 files.";
    public static final String SSL_TRUSTSTORE_CERTIFICATES = "ltx.api.ssl.truststore.certificates";
    private static final String SSL_TRUSTSTORE_CERTIFICATES_DOC = "PEM text of one or more CA certificates to trust (-----BEGIN "
            + "CERTIFICATE----- blocks; line breaks may be spaces), instead of a truststore file. Replaces the JVM's default CAs.";
    public static final String SSL_TRUSTSTORE_PEM_LOCATION = "ltx.api.ssl.truststore.pem.location";
    private static final String SSL_TRUSTSTORE_PEM_LOCATION_DOC = "File of PEM CA certificates to trust, instead of a truststore file. "
            + "Replaces the JVM's default CAs.";
    public static final String SSL_KEYSTORE_LOCATION = "ltx.api.ssl.keystore.location";
    private static final String SSL_KEYSTORE_LOCATION_DOC = "Keystore file with a client certificate and its private key, for an API "
            + "endpoint or gateway that requires one (mutual TLS). Empty: no client certificate.";
    public static final String SSL_KEYSTORE_PASSWORD = "ltx.api.ssl.keystore.password";
    private static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of " + SSL_KEYSTORE_LOCATION + "; required with it.";
    public static final String SSL_KEYSTORE_TYPE = "ltx.api.ssl.keystore.type";
    private static final String SSL_KEYSTORE_TYPE_DOC = "Format of " + SSL_KEYSTORE_LOCATION + ". JKS also reads PKCS12 files.";
    public static final String SSL_KEY_PASSWORD = "ltx.api.ssl.key.password";
    private static final String SSL_KEY_PASSWORD_DOC = "Password of the private key in " + SSL_KEYSTORE_LOCATION
            + ", when it differs from the keystore's.";
    public static final String SSL_ENDPOINT_IDENTIFICATION = "ltx.api.ssl.endpoint.identification.enabled";
    private static final String SSL_ENDPOINT_IDENTIFICATION_DOC = "Whether the API's certificate must name the host of ltx.api.url "
            + "(hostname verification). Turn it off only for a test set-up whose certificate names another host; each task logs a "
            + "WARN when it starts with it off.";

    public static final String STORE_TYPE_DEFAULT = "JKS";
    private static final String[] STORE_TYPES = {"JKS", "PKCS12"};

    /** The transport keys in their order. */
    public static final List<String> KEYS = List.of(PROXY_HOST, PROXY_PORT, PROXY_USERNAME, PROXY_PASSWORD, PROXY_NON_PROXY_HOSTS,
            SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_CERTIFICATES, SSL_TRUSTSTORE_PEM_LOCATION,
            SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE, SSL_KEY_PASSWORD, SSL_ENDPOINT_IDENTIFICATION);

    private ApiTransportConfig() {
    }

    /** Adds the group's keys to {@code def}. */
    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(PROXY_HOST, Type.STRING, "", Validators.hostName(), Importance.MEDIUM, PROXY_HOST_DOC, GROUP, ++order, Width.MEDIUM, "Proxy host")
                .define(PROXY_PORT, Type.INT, null, Validators.port(), Importance.MEDIUM, PROXY_PORT_DOC, GROUP, ++order, Width.SHORT, "Proxy port")
                .define(PROXY_USERNAME, Type.STRING, null, null, Importance.LOW, PROXY_USERNAME_DOC, GROUP, ++order, Width.MEDIUM, "Proxy user")
                .define(PROXY_PASSWORD, Type.PASSWORD, null, null, Importance.LOW, PROXY_PASSWORD_DOC, GROUP, ++order, Width.MEDIUM, "Proxy password")
                .define(PROXY_NON_PROXY_HOSTS, Type.LIST, "", Validators.hostPatterns(), Importance.LOW, PROXY_NON_PROXY_HOSTS_DOC, GROUP, ++order,
                        Width.LONG, "Hosts without proxy")
                .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, null, Importance.MEDIUM, SSL_TRUSTSTORE_LOCATION_DOC, GROUP, ++order,
                        Width.LONG, "Truststore file")
                .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, null, Importance.LOW, SSL_TRUSTSTORE_PASSWORD_DOC, GROUP, ++order,
                        Width.MEDIUM, "Truststore password")
                .define(SSL_TRUSTSTORE_TYPE, Type.STRING, STORE_TYPE_DEFAULT, ConfigDef.CaseInsensitiveValidString.in(STORE_TYPES), Importance.LOW,
                        SSL_TRUSTSTORE_TYPE_DOC, GROUP, ++order, Width.SHORT, "Truststore type")
                .define(SSL_TRUSTSTORE_CERTIFICATES, Type.STRING, null, null, Importance.MEDIUM, SSL_TRUSTSTORE_CERTIFICATES_DOC, GROUP, ++order,
                        Width.LONG, "Trusted certificates (PEM)")
                .define(SSL_TRUSTSTORE_PEM_LOCATION, Type.STRING, null, null, Importance.LOW, SSL_TRUSTSTORE_PEM_LOCATION_DOC, GROUP, ++order,
                        Width.LONG, "Trusted certificates file (PEM)")
                .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, null, Importance.LOW, SSL_KEYSTORE_LOCATION_DOC, GROUP, ++order,
                        Width.LONG, "Client keystore file")
                .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, null, Importance.LOW, SSL_KEYSTORE_PASSWORD_DOC, GROUP, ++order,
                        Width.MEDIUM, "Client keystore password")
                .define(SSL_KEYSTORE_TYPE, Type.STRING, STORE_TYPE_DEFAULT, ConfigDef.CaseInsensitiveValidString.in(STORE_TYPES), Importance.LOW,
                        SSL_KEYSTORE_TYPE_DOC, GROUP, ++order, Width.SHORT, "Client keystore type")
                .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, null, Importance.LOW, SSL_KEY_PASSWORD_DOC, GROUP, ++order,
                        Width.MEDIUM, "Client key password")
                .define(SSL_ENDPOINT_IDENTIFICATION, Type.BOOLEAN, true, null, Importance.LOW, SSL_ENDPOINT_IDENTIFICATION_DOC, GROUP, ++order,
                        Width.SHORT, "Verify the host name");
    }

    /**
     * The proxy the parsed {@code values} configure, or empty for the JVM's proxy settings.
     *
     * @throws ConfigException on the first rule of {@link ApiTransportRules} they break
     */
    static Optional<ProxySettings> proxy(Map<String, ?> values) {
        ApiTransportRules.firstProblem(values).ifPresent(p -> {
            throw new ConfigException(p.key() + ": " + p.message());
        });
        String host = text(values.get(PROXY_HOST));
        if (host == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<String> nonProxy = values.get(PROXY_NON_PROXY_HOSTS) instanceof List<?> l ? (List<String>) l : List.of();
        return Optional.of(new ProxySettings(host, (Integer) values.get(PROXY_PORT), text(values.get(PROXY_USERNAME)),
                password(values.get(PROXY_PASSWORD)), Validators.splitHostPatterns(nonProxy)));
    }

    /**
     * The TLS settings the parsed {@code values} configure.
     *
     * @throws ConfigException on the first rule of {@link ApiTransportRules} they break
     */
    static TlsSettings tls(Map<String, ?> values) {
        ApiTransportRules.firstProblem(values).ifPresent(p -> {
            throw new ConfigException(p.key() + ": " + p.message());
        });
        TlsSettings.KeyStoreFile truststore = store(values, SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_PASSWORD);
        TlsSettings.KeyStoreFile keystore = store(values, SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_TYPE, SSL_KEYSTORE_PASSWORD);
        String pemFile = text(values.get(SSL_TRUSTSTORE_PEM_LOCATION));
        return new TlsSettings(truststore, text(values.get(SSL_TRUSTSTORE_CERTIFICATES)), pemFile == null ? null : Path.of(pemFile),
                keystore, password(values.get(SSL_KEY_PASSWORD)), !Boolean.FALSE.equals(values.get(SSL_ENDPOINT_IDENTIFICATION)));
    }

    private static TlsSettings.KeyStoreFile store(Map<String, ?> values, String locationKey, String typeKey, String passwordKey) {
        String location = text(values.get(locationKey));
        if (location == null) {
            return null;
        }
        String type = text(values.get(typeKey));
        return new TlsSettings.KeyStoreFile(Path.of(location), type == null ? STORE_TYPE_DEFAULT : type.toUpperCase(Locale.ROOT),
                password(values.get(passwordKey)));
    }

    /** A trimmed string value, or null when unset or blank. */
    static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    /** A password value, or null when unset or empty. */
    static Password password(Object value) {
        return value instanceof Password p && p.value() != null && !p.value().isEmpty() ? p : null;
    }
}
