package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JavaProcessTest {

    private static final List<String> CLASSPATH = Arrays.asList(System.getProperty("java.class.path").split(java.io.File.pathSeparator));

    private static JavaProcess startSleeper(Path runDir, String name) {
        JavaProcess p = JavaProcess.start(name, runDir, CLASSPATH, List.of("-Xmx32m"), SleepingMain.class.getName(), List.of(name));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(p.logFile()).contains("sleeping " + name));
        return p;
    }

    @Test
    void stopEndsTheChildItStartedAndRemovesItsPidFile(@TempDir Path runDir) throws Exception {
        JavaProcess child = startSleeper(runDir, "child");
        long pid = child.pid();
        assertThat(Files.readString(runDir.resolve("child.pid"))).isEqualTo(Long.toString(pid));
        assertThat(JavaProcess.cmdline(pid)).contains(SleepingMain.class.getName())
                .contains("-D" + JavaProcess.MARKER_PROPERTY + "=" + runDir.toAbsolutePath());

        child.stop();

        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(runDir.resolve("child.pid")).doesNotExist();
    }

    @Test
    void stopLeftoversEndsOnlyChildrenCarryingTheSameRunFolder(@TempDir Path tmp) {
        Path earlierRun = tmp.resolve("run");
        Path otherRun = tmp.resolve("run-other");
        JavaProcess orphan = startSleeper(earlierRun, "orphan");
        JavaProcess bystander = startSleeper(otherRun, "bystander");
        try {
            // as if the launcher of the earlier run had been killed before its shutdown hook ran
            JavaProcess.stopLeftovers(earlierRun);

            await().atMost(Duration.ofSeconds(30)).until(() -> !orphan.isAlive());
            assertThat(bystander.isAlive()).isTrue();
            assertThat(earlierRun.resolve("orphan.pid")).doesNotExist();
        } finally {
            orphan.stop();
            bystander.stop();
        }
    }
}
