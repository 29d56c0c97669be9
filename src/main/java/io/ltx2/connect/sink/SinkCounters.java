package io.ltx2.connect.sink;

import java.util.concurrent.atomic.AtomicLong;

/** What one sink task has done, for metrics and its stop log line. */
final class SinkCounters {
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong skippedDuplicates = new AtomicLong();
    final AtomicLong pauses = new AtomicLong();
    /** Sum of the duration of the submitted requests: what is billed. */
    final AtomicLong videoSecondsSubmitted = new AtomicLong();
    /** Valid requests recorded as DRY_RUN instead of submitted. */
    final AtomicLong dryRun = new AtomicLong();
    /** Requests served with an earlier task's result by the duplicate guard. */
    final AtomicLong reused = new AtomicLong();
}
