package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One request on its way to the API, from the moment {@code put} accepts it until its outcome is
 * durable on the tracking topic. It belongs to the ownership period of its partition it was
 * accepted in ({@code ownership}): once the partition is closed, a create not yet on the wire is
 * withdrawn, and an outcome that is not an accepted task is left to the next owner.
 */
final class Submission {
    private final SinkRecord record;
    private final TopicPartition partition;
    private final SinkRequest request;
    private final int ownership;
    /** Attempts whose create may exist without a SUBMITTED record: found by the restart scan, or ambiguous failures. */
    private final List<Attempt> unconfirmed;
    /** The highest attempt number earlier owners used (withdrawn ones included). */
    private final int earlierLast;
    /** The attempt in progress, 0 before its INTENT. */
    private Attempt current;
    private boolean sent;
    /** The seconds reserved under the spend caps, null without caps. */
    SpendBudget.Reservation reservation;
    /** Callback mode, a create that may exist: when to stop waiting for its callback. */
    long adoptionDeadline;

    Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, PriorAttempts.Found earlier) {
        this.record = record;
        this.partition = partition;
        this.request = request;
        this.ownership = ownership;
        this.unconfirmed = new ArrayList<>(earlier.attempts());
        this.earlierLast = earlier.lastAttempt();
    }

    SinkRecord record() {
        return record;
    }

    TopicPartition partition() {
        return partition;
    }

    SinkRequest request() {
        return request;
    }

    int ownership() {
        return ownership;
    }

    /**
     * Starts a new attempt: the previous one (if any) may have created a task, so it joins the
     * unconfirmed ones. Numbers continue after the attempts earlier owners made.
     */
    synchronized Attempt nextAttempt(long now) {
        int last = current != null ? current.number() : Math.max(earlierLast, unconfirmed.stream().mapToInt(Attempt::number).max().orElse(0));
        if (current != null) {
            unconfirmed.add(current);
        }
        current = new Attempt(last + 1, now);
        sent = true;
        return current;
    }

    /** The attempt whose create is (or was last) on its way; null if none was started. */
    synchronized Attempt current() {
        return current;
    }

    synchronized List<Attempt> unconfirmed() {
        return List.copyOf(unconfirmed);
    }

    /** The unconfirmed attempts plus the current one: after a failure that may have created a task. */
    synchronized List<Attempt> unconfirmedWithCurrent() {
        List<Attempt> all = new ArrayList<>(unconfirmed);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    /** Whether an INTENT was written, so the API may have (had) this request. */
    synchronized boolean sent() {
        return sent;
    }

    @Override
    public String toString() {
        return "request '" + request.requestId() + "' (" + request.identity() + ")";
    }
}
