package io.ltx2.connect.util;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hides the connector's secrets (the API key, the callback URL and its token) in what the API sends
 * back, before any of it is read: an error answer or a task's failMsg that echoes the callback URL
 * would otherwise carry the receiver's token into events, DLQ headers and logs. Each secret is
 * matched as written, JSON-escaped and URL-encoded; secrets shorter than {@value #MIN_LENGTH}
 * characters are not matched (they would hide ordinary words).
 */
public final class Redaction {
    public static final Redaction NONE = new Redaction(List.of());
    public static final String MARK = "[redacted]";
    static final int MIN_LENGTH = 8;

    /** Every written form of every secret, longest first (a URL is hidden whole before its token is). */
    private final List<String> forms;

    private Redaction(List<String> forms) {
        this.forms = forms;
    }

    /** The given secrets (null and short ones ignored). */
    public static Redaction of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s != null && s.length() >= MIN_LENGTH) {
                forms.add(s);
                forms.add(s.replace("/", "\\/"));
                forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            }
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Redaction(List.copyOf(sorted));
    }

    /**
     * A callback URL: the whole of it, without its query, its query values and, unless the token is the query's {@code
     * token=}, its last path segment (the receiver's token, /callback/&lt;token&gt;).
     */
    public static Redaction ofCallbackUrl(String url) {
        if (url == null || url.isBlank()) {
            return NONE;
        }
        List<String> secrets = new ArrayList<>(List.of(url));
        try {
            URI u = URI.create(url);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            secrets.add(u.getScheme() + "://" + u.getRawAuthority() + path);
            boolean tokenInQuery = false;
            if (u.getRawQuery() != null) {
                for (String pair : u.getRawQuery().split("&")) {
                    secrets.add(pair.substring(pair.indexOf('=') + 1));
                    tokenInQuery |= pair.startsWith("token=");
                }
            }
            if (!tokenInQuery) { // else the last segment is a plain word ("callback") that would be hidden everywhere
                secrets.add(path.substring(path.lastIndexOf('/') + 1));
            }
        } catch (IllegalArgumentException notAUri) {
            // the whole text is still hidden
        }
        return of(secrets);
    }

    public Redaction and(Redaction other) {
        List<String> all = new ArrayList<>(forms);
        all.addAll(other.forms);
        return of(all);
    }

    public boolean isEmpty() {
        return forms.isEmpty();
    }

    @Override
    public String toString() {
        return "Redaction[" + forms.size() + " forms]";
    }

    /** {@code text} with every secret replaced by {@value #MARK}; null stays null. */
    public String apply(String text) {
        if (text == null || forms.isEmpty()) {
            return text;
        }
        String out = text;
        for (String f : forms) {
            if (out.contains(f)) {
                out = out.replace(f, MARK);
            }
        }
        return out;
    }
}
