package io.ltx2.connect.it;

/**
 * The suite's two tiers. {@code mvn verify} runs every row, each on short times set through the
 * connectors' configuration (backoffs, probe intervals, time-outs) and the simulator's fault windows;
 * {@code mvn verify -Plong} also runs the rows that wait real minutes with the users' default settings
 * (and the soak), each beside its short twin. A long row is a JUnit test enabled by the system property
 * {@value #PROPERTY}{@code =true}, which the {@code long} profile sets: in the default build it is
 * reported as skipped, never dropped.
 */
public final class Tier {
    public static final String PROPERTY = "ltx.long";

    private Tier() {
    }

    /** Whether this run is the long tier. */
    public static boolean isLong() {
        return Boolean.getBoolean(PROPERTY);
    }
}
