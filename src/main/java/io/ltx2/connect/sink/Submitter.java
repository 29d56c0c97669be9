package io.ltx2.connect.sink;

import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Runs the creates: queues accepted requests, starts them as {@link Admission} allows, writes each
 * attempt's INTENT before it goes on the wire, and hands every answer to the
 * {@link OutcomeRecorder}. Called from the task thread ({@code put}, {@code close}, {@code stop})
 * and from the HTTP and producer threads (completions start the next creates).
 *
 * <p>A create belongs to the ownership period of its partition it was accepted in: once the
 * partition is closed (even if it comes back to this task), a create not yet on the wire is
 * withdrawn, because Connect hands the record out again; and a create that fails after that is
 * not recorded as rejected: its INTENT tells the next owner that it may exist.
 */
final class Submitter {

    private final LtxApiClient client;
    private final Admission admission;
    private final CreateAnswers answers;
    private final CreateSettings settings;
    private final TaskFailure failure;

    private final Object lock = new Object();
    /** Accepted and not started; guarded by {@link #lock}. */
    private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    /** Started and not finished; guarded by {@link #lock}. */
    private final Set<Submission> started = new LinkedHashSet<>();
    /** Times each partition was closed; guarded by {@link #lock}. */
    private final Map<TopicPartition, Integer> closings = new HashMap<>();
    /** Creates started and not finished (their outcome durable). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AttemptGate gate;
    /** Requests admitted since the task started: how fast the queue drains (see {@link Backpressure}). */
    private final AtomicLong admitted = new AtomicLong();
    private volatile boolean stopping;

    Submitter(LtxApiClient client, TrackingWriter tracking, Admission admission, OutcomeRecorder outcomes, CreateSettings settings,
              SinkTaskMetrics metrics, TaskFailure failure, LongSupplier clock) {
        this.client = client;
        this.admission = admission;
        this.gate = new AttemptGate(lock, this::owned, tracking, settings.requestType(), metrics, clock);
        this.answers = new CreateAnswers(admission, outcomes, settings, metrics, failure, this::owned, gate::withdrawn);
        this.settings = settings;
        this.failure = failure;
    }

    /** The current ownership period of a partition, for a request accepted now. */
    int ownership(TopicPartition tp) {
        synchronized (lock) {
            return closings.getOrDefault(tp, 0);
        }
    }

    void enqueue(Submission s) {
        synchronized (lock) {
            waiting.add(s);
        }
    }

    /** Starts creates while {@link Admission} allows; the rest wait, in order. */
    void startCreates() {
        List<Submission> starting = new ArrayList<>();
        synchronized (lock) {
            while (!waiting.isEmpty() && !failure.failed() && !stopping) {
                if (admission.admit(waiting.peek(), inFlight.get(), starting.size()) != Admission.Verdict.ADMIT) {
                    break;
                }
                Submission s = waiting.poll();
                starting.add(s);
                started.add(s);
                inFlight.incrementAndGet();
            }
        }
        admitted.addAndGet(starting.size());
        starting.forEach(this::create);
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Requests admitted so far. */
    long admitted() {
        return admitted.get();
    }

    int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** Whether requests wait for admission: the input should pause. */
    boolean backlogged() {
        synchronized (lock) {
            return !waiting.isEmpty() || admission.pipelineFull(inFlight.get());
        }
    }

    /** Attempts that may be on the wire, and WITHDRAWN records being written: what closing and stopping wait for. */
    int awaited() {
        return gate.awaited();
    }

    private void create(Submission s) {
        CompletableFuture<CreateAnswers.Created> call;
        try {
            call = settings.guard() == null ? newTask(s) : settings.guard().succeededEarlier(s.request())
                    .thenCompose(earlier -> earlier.isPresent()
                            ? CompletableFuture.completedFuture(new CreateAnswers.Created(earlier.get(), true, System.nanoTime())) : newTask(s));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((created, error) -> {
            try {
                answers.settle(s, created, error == null ? null : TaskFailure.unwrap(error)).whenComplete((v, e) -> finished(s));
            } catch (RuntimeException e) {
                failure.fail(new ConnectException("Unexpected error handling the answer for " + s, e));
                finished(s);
            }
        });
    }

    private CompletableFuture<CreateAnswers.Created> newTask(Submission s) {
        SinkRequest r = s.request();
        Password url = settings.callbackUrl();
        CreateTaskRequest body = new CreateTaskRequest(settings.requestType(), url == null ? null : r.identity().appendTo(url.value()),
                r.provider(), r.input());
        return client.createTask(body, settings.ambiguousRetries(), gate.of(s))
                .thenApply(taskId -> new CreateAnswers.Created(taskId, false, System.nanoTime()));
    }

    private boolean owned(Submission s) {
        synchronized (lock) {
            return !stopping && closings.getOrDefault(s.partition(), 0) == s.ownership();
        }
    }

    private void finished(Submission s) {
        boolean withdraw = false;
        synchronized (lock) {
            started.remove(s);
            gate.offWire(s);
            if (s.takeRequeue()) {
                if (owned(s)) {
                    waiting.addFirst(s); // the API could not take it now: first in line when it can
                } else {
                    withdraw = s.current() != null && s.markWithdrawn(); // closed meanwhile: the next owner sends it
                }
            }
        }
        if (withdraw) {
            gate.withdrawn(s);
        }
        inFlight.decrementAndGet();
        startCreates();
    }

    /**
     * The partitions are closing: their creates not yet on the wire will be withdrawn, and the
     * queued ones are dropped (never sent: the next owner receives them again). Returns how many were dropped.
     */
    int close(Collection<TopicPartition> partitions) {
        int dropped = 0;
        List<Submission> withdraw;
        synchronized (lock) {
            partitions.forEach(tp -> closings.merge(tp, 1, Integer::sum));
            withdraw = withdrawWaitingRetries(s -> partitions.contains(s.partition()));
            for (Iterator<Submission> it = waiting.iterator(); it.hasNext(); ) {
                Submission s = it.next();
                if (partitions.contains(s.partition())) {
                    it.remove();
                    admission.release(s);
                    dropped++;
                    if (s.current() != null && s.markWithdrawn()) {
                        withdraw.add(s); // queued again while the API could not take work: its INTENT is out, it was never taken
                    }
                }
            }
            if (waiting.isEmpty()) {
                admission.idle();
            }
        }
        withdraw.forEach(gate::withdrawn);
        return dropped;
    }

    /** The task stops: nothing new starts, and nothing that fails from now on is recorded as rejected. */
    void stop() {
        List<Submission> withdraw;
        synchronized (lock) {
            stopping = true;
            withdraw = withdrawWaitingRetries(s -> true);
            for (Submission s : waiting) {
                admission.release(s);
                if (s.current() != null && s.markWithdrawn()) {
                    withdraw.add(s);
                }
            }
            waiting.clear();
        }
        withdraw.forEach(gate::withdrawn);
    }

    /**
     * The started creates that wait for a retry after a failure that created nothing: their attempt
     * is withdrawn now (the retry will not be sent), so the next owner reads a WITHDRAWN record instead
     * of a possible charge. Guarded by the lock.
     */
    private List<Submission> withdrawWaitingRetries(Predicate<Submission> closing) {
        List<Submission> out = new ArrayList<>();
        for (Submission s : started) {
            if (closing.test(s) && s.withdrawable() && s.markWithdrawn()) {
                out.add(s);
            }
        }
        return out;
    }
}
