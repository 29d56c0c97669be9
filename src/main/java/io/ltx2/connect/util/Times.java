package io.ltx2.connect.util;

/** Arithmetic on epoch-millisecond times that a huge configured duration cannot overflow. */
public final class Times {

    private Times() {
    }

    /** {@code time + duration}, saturated at {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE} instead of wrapping around. */
    public static long plus(long time, long duration) {
        long sum = time + duration;
        // Overflow iff both operands have the sign opposite to the result's.
        if (((time ^ sum) & (duration ^ sum)) < 0) {
            return duration > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }
}
