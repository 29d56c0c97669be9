package io.ltx2.connect.demo;

/** A child JVM for {@link JavaProcessTest}: prints a line, then sleeps until it is signalled. */
public final class SleepingMain {

    private SleepingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("sleeping " + String.join(" ", args));
        Thread.sleep(Long.MAX_VALUE);
    }
}
