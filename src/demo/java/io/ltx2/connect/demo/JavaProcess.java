package io.ltx2.connect.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM (Kafka broker, Connect worker, simulator) started by the demo or a test: one class
 * path, one main class, all output to a log file, its PID written to a file beside it.
 *
 * <p>Every child carries the system property {@value #MARKER_PROPERTY} naming the run folder, so
 * that {@link #stop} signals a PID only after {@code /proc/PID/cmdline} shows it is still our
 * process, and {@link #stopLeftovers} can end children of an earlier run that was killed hard.
 * Where {@code setsid} exists the child gets its own session: a Ctrl-C in the terminal then
 * reaches only the launcher, and a shutdown hook of this class stops whatever children are still
 * running, newest first (worker before broker), however the launcher exits short of SIGKILL.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JavaProcess.class);

    public static final String MARKER_PROPERTY = "ltx.demo.run";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** Children of this JVM not yet stopped, newest first: the exit hook stops them in that order. */
    private static final Deque<JavaProcess> LIVE = new ConcurrentLinkedDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(JavaProcess::stopAllOnExit, "ltx-child-jvm-reaper"));
    }

    private final String name;
    private final String mainClass;
    private final String marker;
    private final Process process;
    private final Path logFile;
    private final Path pidFile;

    private JavaProcess(String name, String mainClass, String marker, Process process, Path logFile, Path pidFile) {
        this.name = name;
        this.mainClass = mainClass;
        this.marker = marker;
        this.process = process;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code java [jvmArgs] -cp classpath mainClass [args]} with output to
     * {@code runDir/name.log} and the PID in {@code runDir/name.pid}.
     */
    public static JavaProcess start(String name, Path runDir, List<String> classpath, List<String> jvmArgs,
                                    String mainClass, List<String> args) {
        Objects.requireNonNull(mainClass, "mainClass");
        String marker = markerArg(runDir);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // A child of a JVM is never a process-group leader, so setsid execs in place: same PID.
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(marker);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(args);

        Path logFile = runDir.resolve(name + ".log");
        Path pidFile = runDir.resolve(name + ".pid");
        try {
            Files.createDirectories(runDir);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            JavaProcess started = new JavaProcess(name, mainClass, marker, process, logFile, pidFile);
            LIVE.push(started);
            Files.writeString(pidFile, Long.toString(process.pid()));
            log.info("Started {} (pid {}, log {})", name, process.pid(), logFile);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * Ends children that an earlier run in the same folder left behind (it was killed before its
     * shutdown hook ran): each PID file whose process still carries this run folder's marker.
     */
    public static void stopLeftovers(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        String marker = markerArg(runDir);
        try (var files = Files.list(runDir)) {
            List<Path> pidFiles = files.filter(p -> p.getFileName().toString().endsWith(".pid"))
                    .sorted(Comparator.comparing(JavaProcess::modified).reversed())  // newest first: worker before broker
                    .toList();
            for (Path pidFile : pidFiles) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (handle.isPresent() && handle.get().isAlive() && hasArg(cmdline(pid), marker)) {
                    log.warn("Stopping pid {} left running by an earlier run ({})", pid, pidFile.getFileName());
                    terminate(handle.get(), pidFile.getFileName().toString());
                }
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Could not check for processes left by an earlier run in {}: {}", runDir, e.toString());
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit on its own (a one-shot tool); returns its exit code. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + logFile);
            }
            LIVE.remove(this);
            Files.deleteIfExists(pidFile);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with the tail of the log when the process has died (for readiness waits). */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; last lines of "
                    + logFile + ":\n" + tail(logFile, 30));
        }
    }

    /**
     * Stops the process: SIGTERM, then SIGKILL after a grace period. Signals nothing unless
     * {@code /proc/PID/cmdline} (where the system has one) shows the same main class and run marker.
     */
    public void stop() {
        end(false);
    }

    /** Kills the process at once with SIGKILL, as a crash would (for failure tests); same ownership check as {@link #stop}. */
    public void kill() {
        end(true);
    }

    private void end(boolean crash) {
        if (process.isAlive()) {
            long pid = process.pid();
            Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
            String cmdline = cmdline(pid);
            if (Files.exists(proc) && !(hasArg(cmdline, marker) && hasArg(cmdline, mainClass))) {
                log.warn("Not signalling pid {}: its command line is no longer {} of this run", pid, name);
                return;
            }
            if (crash) {
                process.toHandle().destroyForcibly();
                process.toHandle().onExit().join();
                log.info("Killed {} (pid {}) with SIGKILL", name, pid);
            } else {
                terminate(process.toHandle(), name);
            }
        }
        LIVE.remove(this);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            log.debug("Could not delete {}", pidFile, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * The safety net for an exit the launcher's code did not see coming (Ctrl-C or SIGTERM while it
     * was still starting things, an uncaught error): stops every child still running, newest first,
     * so that the worker goes before the broker.
     */
    private static void stopAllOnExit() {
        for (JavaProcess p : LIVE) {
            if (p.isAlive()) {
                log.warn("Stopping {} (pid {}) as the launcher exits", p.name, p.pid());
            }
            p.stop();
        }
    }

    private static void terminate(ProcessHandle handle, String name) {
        long started = System.nanoTime();
        handle.destroy();
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Stopped {} (pid {}) in {} ms", name, handle.pid(), (System.nanoTime() - started) / 1_000_000);
        } catch (TimeoutException e) {
            log.warn("{} (pid {}) ignored SIGTERM for {}; killing it", name, handle.pid(), STOP_GRACE);
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The process's command line with NULs as spaces, or "" where there is no /proc. */
    static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static boolean hasArg(String cmdline, String arg) {
        return (" " + cmdline + " ").contains(" " + arg + " ");
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String markerArg(Path runDir) {
        return "-D" + MARKER_PROPERTY + "=" + runDir.toAbsolutePath().normalize();
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
