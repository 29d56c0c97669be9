package io.ltx2.connect.source;

import java.util.Arrays;

/**
 * The last completions of a family of task classes that differ by video duration only, and the
 * least-squares line of generation time over duration through them (slope at least 0: a longer
 * video is not expected to be faster). {@link #residuals()} are each sample's distance from the
 * line, sorted, so {@code at(d) + residuals} is the family's spread moved to duration {@code d}.
 * Refitted lazily, after new samples, on the next read.
 */
final class DurationLine {
    private final int[] durations;
    private final long[] times;
    private int count;
    private int fittedAt = -1;
    private double intercept;
    private double slope;
    private long[] residuals;

    DurationLine(int window) {
        durations = new int[window];
        times = new long[window];
    }

    void add(int duration, long ms) {
        durations[count % durations.length] = duration;
        times[count % times.length] = ms;
        count++;
    }

    int count() {
        return count;
    }

    /** Whether the samples span {@code duration}: the line is used between observed durations, never beyond. */
    boolean covers(int duration) {
        int n = Math.min(count, durations.length);
        boolean below = false;
        boolean above = false;
        for (int i = 0; i < n && !(below && above); i++) {
            below |= durations[i] <= duration;
            above |= durations[i] >= duration;
        }
        return below && above;
    }

    /** The line's generation time (ms) at {@code duration}. */
    long at(int duration) {
        fit();
        return Math.round(intercept + slope * duration);
    }

    /** Sorted distances of the samples from the line (ms); not to be modified. */
    long[] residuals() {
        fit();
        return residuals;
    }

    double slope() {
        fit();
        return slope;
    }

    private void fit() {
        if (fittedAt == count) {
            return;
        }
        int n = Math.min(count, durations.length);
        double meanD = 0;
        double meanT = 0;
        for (int i = 0; i < n; i++) {
            meanD += durations[i];
            meanT += times[i];
        }
        meanD /= n;
        meanT /= n;
        double cov = 0;
        double var = 0;
        for (int i = 0; i < n; i++) {
            cov += (durations[i] - meanD) * (times[i] - meanT);
            var += (durations[i] - meanD) * (durations[i] - meanD);
        }
        slope = var > 0 ? Math.max(0, cov / var) : 0;
        intercept = meanT - slope * meanD;
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = Math.round(times[i] - (intercept + slope * durations[i]));
        }
        Arrays.sort(r);
        residuals = r;
        fittedAt = count;
    }
}
