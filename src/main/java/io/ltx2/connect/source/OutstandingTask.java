package io.ltx2.connect.source;

import io.ltx2.connect.tracking.TrackingRecord;

import java.util.ArrayList;
import java.util.List;

/** A SUBMITTED task not yet resolved, with its polling state. Touched only by the task thread. */
final class OutstandingTask {
    final TrackingRecord record;
    final int partition;
    final long offset;
    final long deadline;
    /** CALLBACK records of this task: resolved together with it, so a restart still sees them. */
    final List<Long> callbackOffsets = new ArrayList<>();
    /**
     * SUBMITTED records of other requests that the sink's duplicate guard served with this task's
     * result (same partition: same key); they get this task's outcome and resolve with it.
     */
    final List<Reuser> reusers = new ArrayList<>(0);
    long nextPollAt;
    int polls;
    int malformed;
    boolean inFlight;
    boolean finalPoll;
    boolean confirmPending;
    boolean resolved;

    OutstandingTask(TrackingRecord record, int partition, long offset, long deadline) {
        this.record = record;
        this.partition = partition;
        this.offset = offset;
        this.deadline = deadline;
    }

    String taskId() {
        return record.taskId();
    }

    record Reuser(TrackingRecord record, long offset) {
    }

    @Override
    public String toString() {
        return "task " + record.taskId() + " (request " + record.requestId() + ", tracking " + partition + "@" + offset + ")";
    }
}
