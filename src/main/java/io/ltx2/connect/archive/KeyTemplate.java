package io.ltx2.connect.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object key of an archived video, from {@code ltx.archive.key.template}: a deterministic function of
 * the task and the video's index (and of facts that do not change when the same task is archived again),
 * so a retry or a restart writes the same key again instead of a second object. Placeholders:
 * {@code {prefix}}, {@code {date}} (UTC {@code yyyy/MM/dd} of the API's completion time),
 * {@code {requestId}} (URL-safe), {@code {taskId}}, {@code {index}} (0 for the first result URL) and
 * {@code {ext}} (from the download's Content-Type, e.g. {@code video/mp4 -> mp4}).
 */
public final class KeyTemplate {
    public static final String DEFAULT = "{prefix}{date}/{requestId}/{taskId}-{index}.{ext}";
    static final Set<String> PLACEHOLDERS = Set.of("prefix", "date", "requestId", "taskId", "index", "ext");
    /** Placeholders every template needs: without them two videos could share a key. */
    static final List<String> REQUIRED = List.of("taskId", "index");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final int MAX_SEGMENT = 200;
    private static final Map<String, String> EXTENSIONS = Map.of("video/mp4", "mp4", "video/webm", "webm", "video/quicktime", "mov",
            "video/x-matroska", "mkv", "image/gif", "gif", "image/png", "png", "image/jpeg", "jpg", "image/webp", "webp");

    private final String template;
    private final String prefix;

    private KeyTemplate(String template, String prefix) {
        this.template = template;
        this.prefix = prefix;
    }

    /** The template, checked; {@code prefix} replaces {@code {prefix}}. */
    public static KeyTemplate of(String template, String prefix) {
        String problem = problem(template);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new KeyTemplate(template, prefix == null ? "" : prefix);
    }

    /** What is wrong with a template, or null. */
    public static String problem(String template) {
        if (template == null || template.isBlank()) {
            return "the key template is empty";
        }
        List<String> seen = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return "unknown placeholder {" + m.group(1) + "}; known: " + List.copyOf(new java.util.TreeSet<>(PLACEHOLDERS));
            }
            seen.add(m.group(1));
        }
        for (String required : REQUIRED) {
            if (!seen.contains(required)) {
                return "the key template must hold {" + required + "}: keys must differ per task and video, so that archiving a "
                        + "video again overwrites its object instead of another video's";
            }
        }
        if (template.startsWith("/")) {
            return "the key template must not start with /";
        }
        return null;
    }

    /**
     * The key of video {@code index} of {@code request}.
     *
     * @param contentType the download's Content-Type (may be null: then the URL's extension, else {@code bin})
     * @param url         the result URL, for its extension when the type says nothing
     */
    public String render(ArchiveRequest request, int index, String contentType, String url) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "prefix" -> prefix;
                case "date" -> DATE.format(Instant.ofEpochMilli(request.completeTime()));
                case "requestId" -> urlSafe(request.requestId());
                case "taskId" -> urlSafe(request.taskId());
                case "index" -> Integer.toString(index);
                case "ext" -> extension(contentType, url);
                default -> throw new IllegalStateException(m.group(1));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Letters, digits and {@code . _ -} as they are; anything else (slashes included) becomes {@code _}; at most 200 characters. */
    static String urlSafe(String s) {
        String safe = Objects.requireNonNullElse(s, "none").replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            safe = "_" + safe;
        }
        return safe.length() > MAX_SEGMENT ? safe.substring(0, MAX_SEGMENT) : safe;
    }

    /** The file extension for a Content-Type ({@code video/mp4; codecs=...} -> mp4), else the URL path's, else {@code bin}. */
    static String extension(String contentType, String url) {
        if (contentType != null) {
            String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            String known = EXTENSIONS.get(type);
            if (known != null) {
                return known;
            }
        }
        if (url != null) {
            String path = url.replaceFirst("[?#].*$", "");
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            if (dot > slash && path.length() - dot - 1 >= 1 && path.length() - dot - 1 <= 5) {
                String ext = path.substring(dot + 1).toLowerCase(Locale.ROOT);
                if (ext.matches("[a-z0-9]+")) {
                    return ext;
                }
            }
        }
        return "bin";
    }

    @Override
    public String toString() {
        return template.replace("{prefix}", prefix);
    }
}
