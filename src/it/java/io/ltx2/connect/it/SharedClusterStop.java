package io.ltx2.connect.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the test JVM's shared cluster ({@link ItCluster#shared()}) when JUnit's run ends, before the
 * JVM exits: stopped from a shutdown hook, it raced Log4j's own hook and outlasted Surefire's 30 s
 * grace for a fork's exit, which then killed the JVM and left the broker's files behind. Registered in
 * META-INF/services; in a JVM that never started the cluster it does nothing.
 */
public final class SharedClusterStop implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        ItCluster.stopShared();
    }
}
