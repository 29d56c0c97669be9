package io.ltx2.connect.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The plugin's build version, read from a resource Maven filters at build time. Connectors return
 * it from {@code version()}; it never depends on Kafka's internal classes, which move between
 * releases.
 */
public final class Version {
    static final String RESOURCE = "/io/ltx2/connect/version.properties";
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            Properties props = new Properties();
            props.load(in);
            String v = props.getProperty("version");
            if (v == null || v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("resource " + RESOURCE + " holds no filtered version: " + v);
            }
            return v.trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }
}
