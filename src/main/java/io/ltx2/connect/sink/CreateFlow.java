package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The creates of a task's submissions, under its one lock: the queue, the creates started, who owns
 * which partition, and every change of a create's {@link CreateState}. With a state change go what
 * depends on it: the count of creates on the wire per partition (what closing a partition waits for)
 * and the spend reservation, taken on admission and given back here when the create ends without an
 * outcome record to count it (an outcome record takes it over, see {@link OutcomeRecorder}). Called
 * from the task thread and from the HTTP and producer threads; nothing here waits.
 *
 * <p>A create belongs to the ownership period of its partition it was accepted in: once the partition
 * is closed (even if it comes back), a create not yet on the wire is withdrawn, because Connect hands
 * the record out again.
 */
final class CreateFlow {
    /** What {@link #beforeSend} decided for the attempt about to go out. */
    enum Send {
        /** Not sent, nothing to write: the call is cancelled. */
        CANCEL,
        /** Not sent, and its standing INTENT gets a WITHDRAWN record: the call is cancelled. */
        WITHDRAW,
        /** Sent again as the same attempt, whose INTENT stands (the last try provably created nothing). */
        RESEND,
        /** Sent once its INTENT (written now) is durable: a new attempt, or one queued again with a fresh time. */
        ANNOUNCE
    }

    /**
     * {@link #beforeSend}'s decision, the attempt that goes out (RESEND, ANNOUNCE), and whether it is a new attempt after one
     * of this submission that may have created a task.
     */
    record Departure(Send send, Attempt attempt, boolean afterPossibleTask) {
    }

    private final Admission admission;
    private final TaskFailure failure;
    /** Accepted and not started. */
    private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    /** Started and not finished. */
    private final Set<Submission> started = new LinkedHashSet<>();
    /** Times each partition was closed. */
    private final Map<TopicPartition, Integer> closings = new HashMap<>();
    /** Creates ON_WIRE and WITHDRAWN records being written, by input partition. */
    private final Map<TopicPartition, Integer> awaited = new HashMap<>();
    private boolean stopping;

    CreateFlow(Admission admission, TaskFailure failure) {
        this.admission = admission;
        this.failure = failure;
    }

    /** The current ownership period of a partition, for a request accepted now. */
    synchronized int ownership(TopicPartition tp) {
        return closings.getOrDefault(tp, 0);
    }

    /** Whether {@code s} was accepted in its partition's current ownership period, and the task is not stopping. */
    synchronized boolean owned(Submission s) {
        return !stopping && closings.getOrDefault(s.partition(), 0) == s.ownership();
    }

    /** Queues {@code s} last (a new request, or one whose earlier attempts were settled). */
    synchronized void enqueue(Submission s) {
        move(s, CreateState.QUEUED);
        waiting.add(s);
    }

    /** Takes the queued creates {@link Admission} lets start now, in order. */
    synchronized List<Submission> admit() {
        List<Submission> starting = new ArrayList<>();
        while (!waiting.isEmpty() && !failure.failed() && !stopping) {
            Submission next = waiting.peek();
            SpendBudget.Reservation[] reserved = {null};
            if (admission.admit(next, started.size(), starting.size(), r -> reserved[0] = r) != Admission.Verdict.ADMIT) {
                break;
            }
            waiting.poll();
            admission.release(next.reserved(reserved[0])); // a reservation of an earlier admission: the new one counts instead
            move(next, CreateState.ADMITTED);
            starting.add(next);
            started.add(next);
        }
        return starting;
    }

    /**
     * Right before an attempt of {@code s} goes on the wire ({@code previousMayExist}: the last try of this call may have
     * created a task): withdrawn if the partition moved on (or the RETRY's deadline passed); else sent again as the same
     * attempt, or announced first (a new attempt, or one queued again). The ownership check and the count that closing waits
     * for change together.
     */
    synchronized Departure beforeSend(Submission s, boolean previousMayExist, long now) {
        CreateState from = s.state();
        if (!owned(s) || s.tooLate(now)) {
            // An attempt whose INTENT is out but that provably created nothing says so, or the next owner counts it as a charge.
            boolean withdraw = !previousMayExist && from != CreateState.RETRY_AMBIGUOUS && withdrawNow(s);
            return new Departure(withdraw ? Send.WITHDRAW : Send.CANCEL, null, false);
        }
        if (from == CreateState.RETRY_CLEAN && !previousMayExist) {
            move(s, CreateState.ON_WIRE);
            return new Departure(Send.RESEND, s.current(), false);
        }
        boolean queuedAgain = from == CreateState.ADMITTED && s.current() != null;
        boolean afterPossibleTask = !queuedAgain && s.sent();
        Attempt attempt = queuedAgain ? s.restamp(now) : s.nextAttempt(now);
        move(s, CreateState.ON_WIRE);
        return new Departure(Send.ANNOUNCE, attempt, afterPossibleTask);
    }

    /** The INTENT of {@code s}'s attempt is durable: true if it goes out; false if its partition was closed meanwhile (WITHDRAWN). */
    synchronized boolean announced(Submission s) {
        if (owned(s)) {
            return true;
        }
        move(s, CreateState.WITHDRAWN);
        countWithdrawal(s, 1);
        return false;
    }

    /**
     * The client tries the attempt of {@code s} again after a failure ({@code mayExist}: which may have created a task). True
     * when its partition was closed meanwhile and the failure created nothing: its WITHDRAWN record is written now, not when
     * the retry's timer fires (which may be long after the next owner read the topic).
     */
    synchronized boolean retrying(Submission s, boolean mayExist) {
        move(s, mayExist ? CreateState.RETRY_AMBIGUOUS : CreateState.RETRY_CLEAN);
        return !mayExist && !owned(s) && withdrawNow(s);
    }

    /** The INTENT could not be written, or its WITHDRAWN record was: the count that closing waits for goes down. */
    synchronized void offWire(Submission s) {
        if (s.state() == CreateState.ON_WIRE) {
            move(s, CreateState.ENDED);
        }
    }

    /** The API cannot take work and provably did not take {@code s}: back to the head of the queue once its call is over. */
    synchronized void requeue(Submission s) {
        move(s, CreateState.REQUEUED);
    }

    /**
     * The call of {@code s} ended; {@code releaseSpend}: no outcome record counts its spend (it was never sent, or provably
     * made nothing). Returns true when a WITHDRAWN record is to be written (queued again, but its partition was closed).
     */
    synchronized boolean finished(Submission s, boolean releaseSpend) {
        started.remove(s);
        if (releaseSpend) {
            admission.release(s.takeReservation());
        }
        return switch (s.state()) {
            case REQUEUED -> {
                if (owned(s)) {
                    move(s, CreateState.QUEUED);
                    waiting.addFirst(s); // the API could not take it now: first in line when it can
                    yield false;
                }
                yield withdrawNow(s); // closed meanwhile: the next owner sends it
            }
            case WITHDRAWN -> false;
            default -> {
                move(s, CreateState.ENDED);
                yield false;
            }
        };
    }

    /**
     * The partitions are closing: their queued creates are dropped (never sent: the next owner receives them again) and the
     * creates that wait for a retry after a failure that created nothing are withdrawn. Returns how many were dropped; the
     * creates whose WITHDRAWN record is to be written go to {@code withdraw}.
     */
    synchronized int close(Collection<TopicPartition> partitions, List<Submission> withdraw) {
        partitions.forEach(tp -> closings.merge(tp, 1, Integer::sum));
        int dropped = 0;
        for (Iterator<Submission> it = waiting.iterator(); it.hasNext(); ) {
            Submission s = it.next();
            if (partitions.contains(s.partition())) {
                it.remove();
                dropped++;
                drop(s, withdraw);
            }
        }
        withdrawWaitingRetries(s -> partitions.contains(s.partition()), withdraw);
        if (waiting.isEmpty()) {
            admission.idle();
        }
        return dropped;
    }

    /** The task stops: nothing new starts; returns the creates whose WITHDRAWN record is to be written. */
    synchronized List<Submission> stop() {
        stopping = true;
        List<Submission> withdraw = new ArrayList<>();
        waiting.forEach(s -> drop(s, withdraw));
        waiting.clear();
        withdrawWaitingRetries(s -> true, withdraw);
        return withdraw;
    }

    private void withdrawWaitingRetries(java.util.function.Predicate<Submission> closing, List<Submission> withdraw) {
        for (Submission s : started) {
            if (closing.test(s) && s.state() == CreateState.RETRY_CLEAN && withdrawNow(s)) {
                withdraw.add(s);
            }
        }
    }

    /** A queued create that will not be sent: its spend given back, its attempt withdrawn if its INTENT is out (queued again). */
    private void drop(Submission s, List<Submission> withdraw) {
        admission.release(s.takeReservation());
        if (withdrawNow(s)) {
            withdraw.add(s);
        }
    }

    /** An answer proved the create of {@code s}, unfinished when its partition was closed, made nothing: true if its record is to be written. */
    synchronized boolean withdraw(Submission s) {
        return withdrawNow(s);
    }

    /** Withdraws the current attempt of {@code s} if it has one whose INTENT is out; true if so (its record is to be written). */
    private boolean withdrawNow(Submission s) {
        if (s.current() == null || s.state() == CreateState.WITHDRAWN) {
            return false;
        }
        move(s, CreateState.WITHDRAWN);
        countWithdrawal(s, 1);
        return true;
    }

    /** A WITHDRAWN record of {@code s} was written (or failed to be). */
    synchronized void withdrawalWritten(Submission s) {
        countWithdrawal(s, -1);
    }

    private void countWithdrawal(Submission s, int delta) {
        awaited.merge(s.partition(), delta, Integer::sum);
    }

    /** The one place a create's state changes; the count of creates on the wire and the spend follow it. */
    private void move(Submission s, CreateState to) {
        CreateState from = s.moveTo(to);
        if (from != CreateState.ON_WIRE && to == CreateState.ON_WIRE) {
            awaited.merge(s.partition(), 1, Integer::sum);
        } else if (from == CreateState.ON_WIRE && to != CreateState.ON_WIRE) {
            awaited.merge(s.partition(), -1, Integer::sum);
        }
        if (from != to && (to == CreateState.REQUEUED || to == CreateState.WITHDRAWN)) {
            admission.release(s.takeReservation()); // no outcome record will count it (a requeued one reserves again)
        }
    }

    /** Whether this task is at the request (queued, or its create started and not finished). */
    synchronized boolean holds(RequestIdentity id) {
        return waiting.stream().anyMatch(s -> s.request().identity().equals(id)) || started.stream().anyMatch(s -> s.request().identity().equals(id));
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** Creates started and not finished (their outcome durable). */
    synchronized int inFlight() {
        return started.size();
    }

    /** Whether requests wait for admission: the input should pause. */
    synchronized boolean backlogged() {
        return !waiting.isEmpty() || admission.pipelineFull(started.size());
    }

    /** Creates on the wire, and WITHDRAWN records being written: what stopping waits for. */
    synchronized int awaited() {
        return awaited.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** As {@link #awaited()}, of the requests of {@code partitions}: what closing them waits for. */
    synchronized int awaited(Collection<TopicPartition> partitions) {
        return partitions.stream().mapToInt(tp -> awaited.getOrDefault(tp, 0)).sum();
    }
}
