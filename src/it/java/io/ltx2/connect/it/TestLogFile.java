package io.ltx2.connect.it;

import java.nio.file.Path;

/**
 * The log file of this test JVM (src/test/resources/log4j2-test.xml): each forked JVM writes its own,
 * named by the system property {@code ltx.test.log} that the pom sets per fork, so a test that searches
 * the log of the tasks it ran reads the file they wrote to.
 */
public final class TestLogFile {

    private TestLogFile() {
    }

    public static Path path() {
        return Path.of(System.getProperty("ltx.test.log", "target/test-logs/test.log"));
    }
}
