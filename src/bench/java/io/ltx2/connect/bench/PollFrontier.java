package io.ltx2.connect.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fewest expected status calls per task for a p95 detection delay, over every possible poll
 * schedule, for a population of task classes with known generation-time distributions (each class
 * gets its own schedule: what a connector that knows the task's input can do at best).
 *
 * <p>A schedule of a class is an increasing sequence of call times t1 &lt; t2 &lt; ...; a task
 * completing at c is detected at the first ti &gt;= c, after i calls, delay ti - c. The problem:
 * minimise E[calls] over the population subject to P(delay &gt; D) &lt;= 5 %. Its Lagrangian,
 * E[calls] + lambda P(delay &gt; D), separates by class, and each class's part is a shortest path
 * over a time grid: with W(s) the expected calls plus lambda times the misses still to come for
 * the tasks not done at a call at s, weighted by their probability S(s) = P(c &gt; s),
 * <pre>
 *   W(s) = S(s) + min over t &gt; s of [ lambda (P(c &lt; t - D) - P(c &lt;= s))+ + W(t) ]
 * </pre>
 * (every call costs one for each task still running; the tasks done before t - D are seen more
 * than D late). W is non-increasing (dropping calls before a later s only saves), so among the
 * t within D of s (no misses) the furthest is best, and past it the bracket is
 * lambda P(c &lt; t - D) + W(t) - lambda P(c &lt;= s): a suffix minimum. So each class costs O(grid)
 * per lambda. lambda is searched by bisection until the population's miss rate crosses 5 %; the two
 * schedules either side are mixed (some tasks use one, the rest the other) to reach 5 % exactly:
 * the convex hull, which is the true optimum among randomised schedules. Call times are restricted
 * to the grid (default 50 ms), which costs at most a grid step of delay.
 */
final class PollFrontier {
    static final double MISS = 0.05;
    private static final int ITERATIONS = 60;

    /** A generation-time distribution (API ms). */
    interface Dist {
        /** P(c &lt;= x). */
        double le(double x);

        /** P(c &lt; x). */
        double lt(double x);

        long min();

        long max();
    }

    /** A class of tasks: its share of the population and its distribution. */
    record Cls(double weight, Dist dist) {
    }

    /** Expected calls per task and miss rate (P(delay &gt; D)) of a population, and the lambda used. */
    record Point(double calls, double miss, double lambda) {
    }

    /** The optimal schedule of one class for a lambda: call times (ms) and its expected calls and misses. */
    record Plan(long[] times, double calls, double miss) {
    }

    private final long gridMs;

    PollFrontier(long gridMs) {
        this.gridMs = gridMs;
    }

    /**
     * The frontier: the fewest expected calls per task of the population at a p95 delay of
     * {@code delayMs} (miss rate exactly 5 % by mixing two Lagrangian optima, or less when one call
     * already meets it).
     */
    Point callsAt(List<Cls> classes, double delayMs) {
        double total = classes.stream().mapToDouble(Cls::weight).sum();
        List<Grid> grids = new ArrayList<>();
        for (Cls c : classes) {
            grids.add(new Grid(c.dist(), c.weight() / total, gridMs, delayMs));
        }
        Point free = solve(grids, 0);
        if (free.miss() <= MISS) {
            return free;
        }
        double lo = 0;
        double hi = 1;
        Point atHi = solve(grids, hi);
        while (atHi.miss() > MISS && hi < 1e9) {
            lo = hi;
            hi *= 4;
            atHi = solve(grids, hi);
        }
        Point atLo = solve(grids, lo);
        for (int i = 0; i < ITERATIONS; i++) {
            double mid = (lo + hi) / 2;
            Point p = solve(grids, mid);
            if (p.miss() > MISS) {
                lo = mid;
                atLo = p;
            } else {
                hi = mid;
                atHi = p;
            }
        }
        if (atLo.miss() - atHi.miss() < 1e-12) {
            return atHi;
        }
        double theta = (MISS - atHi.miss()) / (atLo.miss() - atHi.miss());
        return new Point(theta * atLo.calls() + (1 - theta) * atHi.calls(), MISS, hi);
    }

    /** The optimal schedule of one class alone for a delay and lambda (for tests and plots). */
    Plan plan(Dist dist, double delayMs, double lambda) {
        return new Grid(dist, 1, gridMs, delayMs).solve(lambda);
    }

    private static Point solve(List<Grid> grids, double lambda) {
        double calls = 0;
        double miss = 0;
        for (Grid g : grids) {
            Plan p = g.solve(lambda);
            calls += g.weight * p.calls();
            miss += g.weight * p.miss();
        }
        return new Point(calls, miss, lambda);
    }

    /** One class on the time grid: P(c &lt;= t_j), P(c &lt; t_j - D) and the window of D in steps. */
    private static final class Grid {
        final double weight;
        final long t0;
        final long step;
        final int n;
        final int window;
        final double[] le;
        final double[] missBefore;

        Grid(Dist dist, double weight, long step, double delayMs) {
            this.weight = weight;
            this.step = step;
            this.t0 = Math.floorDiv(dist.min(), step) * step;
            this.n = (int) ((Math.floorDiv(dist.max(), step) + 1) * step - t0) / (int) step;
            this.window = (int) Math.floor(delayMs / step);
            le = new double[n + 1];
            missBefore = new double[n + 1];
            for (int j = 0; j <= n; j++) {
                le[j] = dist.le(t0 + j * step);
                missBefore[j] = dist.lt(t0 + j * step - delayMs);
            }
            le[n] = 1;
        }

        Plan solve(double lambda) {
            double[] w = new double[n + 1];
            int[] next = new int[n + 1];
            double[] sufMin = new double[n + 2];
            int[] sufArg = new int[n + 2];
            sufMin[n + 1] = Double.POSITIVE_INFINITY;
            w[n] = 0;
            next[n] = -1;
            sufMin[n] = lambda * missBefore[n];
            sufArg[n] = n;
            for (int j = n - 1; j >= 0; j--) {
                int near = Math.min(j + window, n);
                double best = near > j ? w[near] : Double.POSITIVE_INFINITY;
                int arg = near;
                int far = Math.max(j + window + 1, j + 1);
                if (far <= n && sufMin[far] - lambda * le[j] < best) {
                    best = sufMin[far] - lambda * le[j];
                    arg = sufArg[far];
                }
                w[j] = (1 - le[j]) + best;
                next[j] = arg;
                double g = lambda * missBefore[j] + w[j];
                sufMin[j] = g <= sufMin[j + 1] ? g : sufMin[j + 1];
                sufArg[j] = g <= sufMin[j + 1] ? j : sufArg[j + 1];
            }
            // The first call: every task pays it; tasks done before t1 - D are misses.
            int first = sufArg[0];
            return walk(first, next);
        }

        private Plan walk(int first, int[] next) {
            long[] times = new long[n + 1];
            int count = 0;
            double calls = 1;
            double miss = missBefore[first];
            int j = first;
            times[count++] = t0 + j * step;
            while (next[j] >= 0) {
                int k = next[j];
                calls += 1 - le[j];
                miss += Math.max(0, missBefore[k] - le[j]);
                times[count++] = t0 + k * step;
                j = k;
            }
            return new Plan(Arrays.copyOf(times, count), calls, miss);
        }
    }

    /** The empirical distribution of a sample of generation times (ms). */
    static Dist empirical(long[] sample) {
        long[] s = sample.clone();
        Arrays.sort(s);
        return new Dist() {
            @Override
            public double le(double x) {
                return upper(s, x) / (double) s.length;
            }

            @Override
            public double lt(double x) {
                return lower(s, x) / (double) s.length;
            }

            @Override
            public long min() {
                return s[0];
            }

            @Override
            public long max() {
                return s[s.length - 1];
            }
        };
    }

    /** A weighted mixture: one schedule for tasks of several classes it cannot tell apart. */
    static Dist mixture(List<Cls> parts) {
        double total = parts.stream().mapToDouble(Cls::weight).sum();
        long min = parts.stream().mapToLong(p -> p.dist().min()).min().orElseThrow();
        long max = parts.stream().mapToLong(p -> p.dist().max()).max().orElseThrow();
        return new Dist() {
            @Override
            public double le(double x) {
                return parts.stream().mapToDouble(p -> p.weight() * p.dist().le(x)).sum() / total;
            }

            @Override
            public double lt(double x) {
                return parts.stream().mapToDouble(p -> p.weight() * p.dist().lt(x)).sum() / total;
            }

            @Override
            public long min() {
                return min;
            }

            @Override
            public long max() {
                return max;
            }
        };
    }

    /** Number of elements &lt;= x. */
    private static int upper(long[] s, double x) {
        int lo = 0;
        int hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of elements &lt; x. */
    private static int lower(long[] s, double x) {
        int lo = 0;
        int hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
