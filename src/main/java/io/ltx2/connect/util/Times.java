package io.ltx2.connect.util;

/**
 * Arithmetic on epoch-millisecond times and millisecond durations that saturates instead of
 * overflowing: a user may set a time-out to {@code Long.MAX_VALUE} to mean "never", and
 * {@code now + timeout} must then stay in the far future rather than wrap round to the past.
 */
public final class Times {

    private Times() {
    }

    /**
     * {@code time - duration} as a time to look up records from: never before the epoch, which
     * Kafka's {@code offsetsForTimes} refuses (a look-back of {@code Long.MAX_VALUE} means "all").
     */
    public static long since(long time, long duration) {
        return Math.max(0, plus(time, -duration));
    }

    /** {@code time + duration}, or {@code Long.MAX_VALUE} ({@code Long.MIN_VALUE}) when the sum would overflow (underflow). */
    public static long plus(long time, long duration) {
        long sum = time + duration;
        if (((time ^ sum) & (duration ^ sum)) < 0) {
            return time < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
