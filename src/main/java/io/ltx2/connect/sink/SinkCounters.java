package io.ltx2.connect.sink;

import java.util.concurrent.atomic.AtomicLong;

/** What one sink task has done, for metrics and its stop log line. */
final class SinkCounters {
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong skippedDuplicates = new AtomicLong();
    final AtomicLong pauses = new AtomicLong();
}
