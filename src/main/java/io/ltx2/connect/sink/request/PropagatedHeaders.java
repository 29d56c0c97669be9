package io.ltx2.connect.sink.request;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which headers of a request record travel with the request to its terminal event: those named
 * (case-insensitively; W3C {@code traceparent} and {@code tracestate} by default) and those
 * matching a pattern. Values are kept as text; the last value of a repeated header wins.
 */
public final class PropagatedHeaders {
    /** Largest header value carried; longer ones are dropped rather than bloat every tracking record. */
    static final int MAX_VALUE_CHARS = 4096;

    private final Set<String> names;
    private final Pattern pattern;

    /** @param pattern a regular expression header names must match in full, or null/blank for none */
    public PropagatedHeaders(Collection<String> names, String pattern) {
        this.names = names.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
        this.pattern = pattern == null || pattern.isBlank() ? null : Pattern.compile(pattern);
    }

    public Map<String, String> select(Headers headers) {
        if (headers == null || headers.isEmpty() || (names.isEmpty() && pattern == null)) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : headers) {
            if (h.key() == null || !wanted(h.key())) {
                continue;
            }
            String v = text(h.value());
            if (v != null && v.length() <= MAX_VALUE_CHARS) {
                out.put(h.key(), v);
            }
        }
        return out;
    }

    private boolean wanted(String key) {
        return names.contains(key.toLowerCase(Locale.ROOT)) || (pattern != null && pattern.matcher(key).matches());
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value.toString();
    }
}
