package io.ltx2.connect.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's build version, read from a resource Maven filters (never from Kafka's internal AppInfoParser). */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/io/ltx2/connect/version.properties")) {
            Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return props.getProperty("version", "0.0.0-dev");
        } catch (IOException e) {
            return "0.0.0-dev";
        }
    }
}
