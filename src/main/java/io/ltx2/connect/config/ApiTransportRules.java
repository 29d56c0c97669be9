package io.ltx2.connect.config;

import io.ltx2.connect.api.TlsContextFactory;
import io.ltx2.connect.api.TlsSettings;
import org.apache.kafka.common.config.ConfigValue;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.ltx2.connect.config.ApiTransportConfig.PROXY_HOST;
import static io.ltx2.connect.config.ApiTransportConfig.PROXY_NON_PROXY_HOSTS;
import static io.ltx2.connect.config.ApiTransportConfig.PROXY_PASSWORD;
import static io.ltx2.connect.config.ApiTransportConfig.PROXY_PORT;
import static io.ltx2.connect.config.ApiTransportConfig.PROXY_USERNAME;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_KEYSTORE_LOCATION;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_KEYSTORE_PASSWORD;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_KEY_PASSWORD;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_TRUSTSTORE_CERTIFICATES;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_TRUSTSTORE_LOCATION;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_TRUSTSTORE_PASSWORD;
import static io.ltx2.connect.config.ApiTransportConfig.SSL_TRUSTSTORE_PEM_LOCATION;

/**
 * The rules of how the API is reached that no single key's validator can check: the API key never
 * travels in clear text, proxy and TLS keys that only make sense together, and (at validate, once
 * all else holds) that the configured stores and certificates load. Both connectors' {@code validate}
 * call {@link #validate(Map)}; {@link LtxConfig#apiClientSettings(double)} applies the clear-text
 * rule again when a task starts, for a config that never went through validate.
 */
public final class ApiTransportRules {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}");

    /** A broken rule and the key to fix. */
    record Problem(String key, String message) {
    }

    private ApiTransportRules() {
    }

    /**
     * Why {@code url} must not carry the API key: it is {@code http://} to a host that is not the
     * loopback (127.0.0.0/8, ::1, localhost). Empty when it may.
     */
    public static Optional<String> clearTextProblem(URI url) {
        if (!clearTextToRemoteHost(url)) {
            return Optional.empty();
        }
        return Optional.of(LtxConfig.API_URL + " uses http:// to " + url.getHost() + ": the API key would travel in clear text; use "
                + "https:// (http:// is allowed only for a local simulator on 127.0.0.1)");
    }

    /**
     * Whether {@code url} is {@code http://} to a host that is not the loopback: refused for the API
     * (the key) and for the callback URL (its token, and the API sends webhooks to HTTPS only).
     */
    static boolean clearTextToRemoteHost(URI url) {
        return "http".equalsIgnoreCase(url.getScheme()) && !isLoopback(url.getHost());
    }

    /** 127.0.0.0/8, ::1 (also IPv4-mapped) or {@code localhost}; decided from the text, never by a DNS lookup. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
            return true;
        }
        if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress(); // a literal address: no lookup
            } catch (UnknownHostException notAnAddress) {
                return false;
            }
        }
        return false;
    }

    /**
     * Adds each broken rule to the key to fix: the clear-text rule on {@code ltx.api.url}; then, if
     * no transport key has an error of its own, the rules across them; then, if those hold, loads the
     * configured trust and client certificate, so a wrong path, password or PEM shows here.
     */
    public static void validate(Map<String, ConfigValue> results) {
        ConfigValue url = results.get(LtxConfig.API_URL);
        if (url != null && url.errorMessages().isEmpty() && url.value() instanceof String s) {
            try {
                clearTextProblem(new URI(s.trim())).ifPresent(url::addErrorMessage);
            } catch (URISyntaxException e) {
                url.addErrorMessage(LtxConfig.API_URL + " is not a valid URL: " + e.getReason());
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (String key : ApiTransportConfig.KEYS) {
            ConfigValue v = results.get(key);
            if (v == null || !v.errorMessages().isEmpty()) {
                return;
            }
            values.put(key, v.value());
        }
        List<Problem> problems = problems(values);
        problems.forEach(p -> results.get(p.key()).addErrorMessage(p.message()));
        if (problems.isEmpty()) {
            loadStores(values, results);
        }
    }

    static Optional<Problem> firstProblem(Map<String, ?> values) {
        return problems(values).stream().findFirst();
    }

    /** The rules across the transport keys, on parsed values. */
    static List<Problem> problems(Map<String, ?> values) {
        List<Problem> out = new ArrayList<>();
        boolean host = set(values, PROXY_HOST);
        if (host && !set(values, PROXY_PORT)) {
            out.add(new Problem(PROXY_PORT, PROXY_PORT + " is required when " + PROXY_HOST + " is set"));
        }
        for (String key : List.of(PROXY_PORT, PROXY_USERNAME, PROXY_PASSWORD, PROXY_NON_PROXY_HOSTS)) {
            if (!host && set(values, key)) {
                out.add(new Problem(key, key + " is set but " + PROXY_HOST + " is not: set the proxy's host, or remove " + key
                        + (key.equals(PROXY_NON_PROXY_HOSTS) ? " (the JVM's proxy uses http.nonProxyHosts)" : "")));
            }
        }
        if (host) {
            requireTogether(values, out, PROXY_USERNAME, PROXY_PASSWORD);
            requireTogether(values, out, PROXY_PASSWORD, PROXY_USERNAME);
        }
        List<String> trust = List.of(SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_CERTIFICATES, SSL_TRUSTSTORE_PEM_LOCATION).stream()
                .filter(k -> set(values, k)).toList();
        for (String extra : trust.subList(Math.min(1, trust.size()), trust.size())) {
            out.add(new Problem(extra, extra + " and " + trust.get(0) + " are both set: give the trusted CAs one way only"));
        }
        requireTogether(values, out, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_LOCATION);
        requireTogether(values, out, SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD);
        requireTogether(values, out, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_LOCATION);
        requireTogether(values, out, SSL_KEY_PASSWORD, SSL_KEYSTORE_LOCATION);
        return out;
    }

    /** When {@code given} is set, {@code needed} must be: reported on the one missing. */
    private static void requireTogether(Map<String, ?> values, List<Problem> out, String given, String needed) {
        if (set(values, given) && !set(values, needed)) {
            out.add(new Problem(needed, needed + " is required when " + given + " is set"));
        }
    }

    private static boolean set(Map<String, ?> values, String key) {
        Object v = values.get(key);
        if (v instanceof List<?> list) {
            return list.stream().anyMatch(e -> e != null && !e.toString().isBlank());
        }
        return key.contains("password") ? ApiTransportConfig.password(v) != null : ApiTransportConfig.text(v) != null;
    }

    private static void loadStores(Map<String, ?> values, Map<String, ConfigValue> results) {
        TlsSettings tls = ApiTransportConfig.tls(values);
        try {
            TlsContextFactory.trustManagers(tls);
        } catch (IllegalArgumentException e) {
            String key = set(values, SSL_TRUSTSTORE_LOCATION) ? SSL_TRUSTSTORE_LOCATION
                    : set(values, SSL_TRUSTSTORE_CERTIFICATES) ? SSL_TRUSTSTORE_CERTIFICATES : SSL_TRUSTSTORE_PEM_LOCATION;
            results.get(key).addErrorMessage(e.getMessage());
        }
        try {
            TlsContextFactory.keyManagers(tls);
        } catch (IllegalArgumentException e) {
            results.get(SSL_KEYSTORE_LOCATION).addErrorMessage(e.getMessage());
        }
    }
}
