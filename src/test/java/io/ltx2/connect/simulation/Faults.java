package io.ltx2.connect.simulation;

/** Puts a schedule's worker faults on the clock. */
final class Faults {
    private static final long PARTITION_CHECK_MS = 2_000;
    private static final long RECREATE_RETRY_MS = 2_000;

    private final World w;
    private final SinkWorker sink;
    private final SourceWorker source;

    Faults(World w, SinkWorker sink, SourceWorker source) {
        this.w = w;
        this.sink = sink;
        this.source = source;
    }

    void scheduleAll() {
        for (Schedule.Fault f : w.schedule.faults) {
            w.time.worker(f.atMs() * 1_000_000, null, () -> apply(f));
        }
    }

    private void apply(Schedule.Fault f) {
        switch (f.kind()) {
            case SINK_CRASH -> sink.crash(sink.slots().get(f.slot()), f.downMs());
            case SINK_RESTART -> sink.stop(sink.slots().get(f.slot()), f.downMs());
            case SINK_LEAVE -> sink.shuffle();
            case SOURCE_CRASH -> {
                if (f.slot() < source.slots().size()) {
                    source.crash(source.slots().get(f.slot()), f.downMs());
                }
            }
            case SOURCE_RESTART -> {
                if (f.slot() < source.slots().size()) {
                    source.stop(source.slots().get(f.slot()), f.downMs());
                }
            }
            case ADD_TRACKING_PARTITION -> {
                w.kafka.addPartitions(World.TRACKING, 1);
                w.time.worker(PARTITION_CHECK_MS * 1_000_000, null, source::reconfigure);
            }
            case RECREATE_INPUT -> recreate(f);
        }
    }

    /** Recreates the input topic once every record on it was handled (a user does not delete requests in flight). */
    private void recreate(Schedule.Fault f) {
        boolean handled = true;
        for (int p = 0; p < w.kafka.partitionCount(SinkWorker.INPUT); p++) {
            long end = w.kafka.partition(SinkWorker.INPUT, p).size();
            handled &= sink.committed.getOrDefault(new org.apache.kafka.common.TopicPartition(SinkWorker.INPUT, p), 0L) >= end;
        }
        if (handled) {
            sink.recreate(() -> w.kafka.recreate(SinkWorker.INPUT));
        } else if (w.time.millis() - VirtualTime.EPOCH_MILLIS < w.schedule.faultsUntilMs) {
            w.time.worker(RECREATE_RETRY_MS * 1_000_000, null, () -> recreate(f));
        }
    }
}
