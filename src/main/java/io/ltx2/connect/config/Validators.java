package io.ltx2.connect.config;

import io.ltx2.connect.api.ContractLimits;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Small reusable validators; each has a {@code toString} so the generated docs show the rule. */
public final class Validators {

    private Validators() {
    }

    /** An absolute http(s) URL; {@code optional} also accepts null or blank. */
    public static ConfigDef.Validator httpUrl(boolean optional) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || value.toString().isBlank()) {
                    if (optional) {
                        return;
                    }
                    throw new ConfigException(name, value, "must be an http or https URL");
                }
                String s = value.toString();
                try {
                    URI uri = new URI(s);
                    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                        throw new ConfigException(name, redactQuery(s), "must start with http:// or https://");
                    }
                    if (uri.getHost() == null) {
                        throw new ConfigException(name, redactQuery(s), "has no host");
                    }
                } catch (URISyntaxException e) {
                    throw new ConfigException(name, redactQuery(s), "is not a valid URL: " + e.getReason());
                }
            }

            @Override
            public String toString() {
                return optional ? "empty, or an http(s) URL" : "an http(s) URL";
            }
        };
    }

    /** A password that is set and not blank; the value itself never appears in the message. */
    public static ConfigDef.Validator nonEmptyPassword() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || ((Password) value).value() == null || ((Password) value).value().isBlank()) {
                    throw new ConfigException(name + " must be set (use a config provider such as ${file:...} or ${env:...})");
                }
            }

            @Override
            public String toString() {
                return "non-empty";
            }
        };
    }

    /** A list with at least one non-blank entry. */
    public static ConfigDef.Validator nonEmptyList() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (!(value instanceof List<?> list) || list.isEmpty() || list.stream().anyMatch(v -> v == null || v.toString().isBlank())) {
                    throw new ConfigException(name, value, "must list at least one host:port");
                }
            }

            @Override
            public String toString() {
                return "non-empty list";
            }
        };
    }

    /** Empty, or a regular expression that compiles. */
    public static ConfigDef.Validator regex() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || value.toString().isBlank()) {
                    return;
                }
                try {
                    Pattern.compile(value.toString());
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, value, "is not a valid regular expression: " + e.getDescription());
                }
            }

            @Override
            public String toString() {
                return "empty, or a regular expression";
            }
        };
    }

    /**
     * Empty, or an https URL with a host; http only to the loopback (a local receiver of the tests, the
     * demo or the simulator), by the rule {@code ltx.api.url} follows. The value is a secret (it
     * carries a token), so messages never repeat it, not even its host.
     */
    public static ConfigDef.Validator secretHttpsUrl() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String url = value == null ? null : ((Password) value).value();
                if (url == null || url.isBlank()) {
                    return;
                }
                try {
                    URI uri = new URI(url);
                    boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
                    if (!http || uri.getHost() == null) {
                        throw new ConfigException(name + " must be an absolute https URL with a host");
                    }
                    if (ApiTransportRules.clearTextToRemoteHost(uri)) {
                        throw new ConfigException(name + " uses http:// to a host that is not the loopback: the API sends webhooks only "
                                + "to a public HTTPS endpoint, and the URL's token would travel in clear text; use https:// (http:// is "
                                + "allowed only for a local receiver on 127.0.0.1, ::1 or localhost)");
                    }
                } catch (URISyntaxException e) {
                    throw new ConfigException(name + " is not a valid URL (" + e.getReason() + ")");
                }
            }

            @Override
            public String toString() {
                return "empty, or an https URL (http only to 127.0.0.1, ::1 or localhost)";
            }
        };
    }

    /** Empty, -1 (random) or a seed the API takes. */
    public static ConfigDef.Validator seed() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return;
                }
                long seed = (Long) value;
                if (seed != ContractLimits.SEED_RANDOM && (seed < 1 || seed > ContractLimits.SEED_MAX)) {
                    throw new ConfigException(name, value, "must be -1 (random) or 1 to " + ContractLimits.SEED_MAX);
                }
            }

            @Override
            public String toString() {
                return "empty, -1, or 1 to " + ContractLimits.SEED_MAX;
            }
        };
    }

    /** Empty, or a host name or address alone: no scheme, path or port. */
    public static ConfigDef.Validator hostName() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String host = value == null ? "" : value.toString().trim();
                if (host.isEmpty()) {
                    return;
                }
                if (host.contains("/") || host.chars().anyMatch(Character::isWhitespace)) {
                    throw new ConfigException(name, value, "must be a host name or address alone, without scheme or path");
                }
                if (host.chars().filter(c -> c == ':').count() == 1) {
                    throw new ConfigException(name, value, "must be a host name or address alone: give the port in its own key");
                }
            }

            @Override
            public String toString() {
                return "empty, or a host name or address";
            }
        };
    }

    /** Unset, or a TCP port. */
    public static ConfigDef.Validator port() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null && ((Integer) value < 1 || (Integer) value > 65_535)) {
                    throw new ConfigException(name, value, "must be a port, 1 to 65535");
                }
            }

            @Override
            public String toString() {
                return "unset, or 1 to 65535";
            }
        };
    }

    /** Host patterns as in the JVM's http.nonProxyHosts: names or addresses, * for any characters. */
    public static ConfigDef.Validator hostPatterns() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (!(value instanceof List<?> list)) {
                    return;
                }
                for (String pattern : splitHostPatterns(list)) {
                    if (!pattern.matches("[A-Za-z0-9*._:\\[\\]-]+")) {
                        throw new ConfigException(name, pattern, "is not a host pattern: use host names or addresses, with * for any characters");
                    }
                }
            }

            @Override
            public String toString() {
                return "host names or addresses, * for any characters";
            }
        };
    }

    /** The patterns of a list value; an entry may also hold several separated by | (the JVM's own separator). */
    public static List<String> splitHostPatterns(List<?> entries) {
        List<String> out = new ArrayList<>();
        for (Object entry : entries) {
            for (String p : String.valueOf(entry).split("\\|")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    /** Callback URLs carry a secret token: keep only scheme, host and path in messages. */
    public static String redactQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?<redacted>";
    }
}
