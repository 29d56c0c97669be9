package io.ltx2.connect.util;

/**
 * One instance of each of the few values that every record repeats (connector and topic names, topic ids, modes,
 * resolutions): a source task holds a decoded record per outstanding request, 100,000 and more, and each decode
 * would otherwise keep copies of its own. The JVM's string table holds them, weakly.
 */
public final class SharedStrings {
    private SharedStrings() {
    }

    /** The shared instance of {@code s}; null stays null. */
    public static String of(String s) {
        return s == null ? null : s.intern();
    }
}
