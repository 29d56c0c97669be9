package io.ltx2.connect.sink;

import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs the creates: queues accepted requests, starts them as {@link Admission} allows ({@link CreateFlow}
 * keeps the queue and each create's state), makes each call with its {@link AttemptGate} (an attempt's
 * INTENT is durable before it goes on the wire), and hands every answer to {@link CreateAnswers}. Called
 * from the task thread ({@code put}, {@code close}, {@code stop}) and from the HTTP and producer threads
 * (completions start the next creates).
 */
final class Submitter {

    private final LtxApiClient client;
    private final CreateFlow flow;
    private final CreateAnswers answers;
    private final CreateSettings settings;
    private final TaskFailure failure;
    private final AttemptGate gate;
    /** Requests admitted since the task started: how fast the queue drains (see {@link Backpressure}). */
    private final AtomicLong admitted = new AtomicLong();
    /** Callback mode: creates that failed ambiguously, to wait for their task's callback (handed to the task thread). */
    private final ConcurrentLinkedQueue<Submission> awaitingCallback = new ConcurrentLinkedQueue<>();
    private final ApiAvailability availability;

    Submitter(LtxApiClient client, TrackingWriter tracking, Admission admission, OutcomeRecorder outcomes, CreateSettings settings,
              SinkTaskMetrics metrics, TaskFailure failure, LongSupplier clock) {
        this.client = client;
        this.flow = new CreateFlow(admission, failure);
        this.gate = new AttemptGate(flow, tracking, settings.requestType(), metrics, clock);
        this.answers = new CreateAnswers(flow, outcomes, settings, metrics, failure, gate::withdrawn, awaitingCallback::add);
        this.availability = settings.availability();
        this.settings = settings;
        this.failure = failure;
    }

    /** The current ownership period of a partition, for a request accepted now. */
    int ownership(TopicPartition tp) {
        return flow.ownership(tp);
    }

    void enqueue(Submission s) {
        flow.enqueue(s);
    }

    /** Starts creates while {@link Admission} allows; the rest wait, in order. */
    void startCreates() {
        List<Submission> starting = flow.admit();
        admitted.addAndGet(starting.size());
        starting.forEach(this::create);
    }

    int inFlight() {
        return flow.inFlight();
    }

    /** Whether this task is at the request (queued, or its create started and not finished). */
    boolean holds(RequestIdentity id) {
        return flow.holds(id);
    }

    /** Callback mode: the creates that failed ambiguously since the last call, each to wait for its task's callback. */
    List<Submission> takeAwaitingCallback() {
        List<Submission> out = new ArrayList<>();
        Submission s;
        while ((s = awaitingCallback.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    /** Requests admitted so far. */
    long admitted() {
        return admitted.get();
    }

    int waiting() {
        return flow.waiting();
    }

    /** Whether requests wait for admission: the input should pause. */
    boolean backlogged() {
        return flow.backlogged();
    }

    /** Attempts that may be on the wire, and WITHDRAWN records being written: what stopping waits for. */
    int awaited() {
        return flow.awaited();
    }

    /** As {@link #awaited()}, of the requests of {@code partitions}: what closing them waits for. */
    int awaited(Collection<TopicPartition> partitions) {
        return flow.awaited(partitions);
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
                answers.settle(s, created, error == null ? null : TaskFailure.unwrap(error))
                        .whenComplete((release, e) -> finished(s, Boolean.TRUE.equals(release)));
            } catch (RuntimeException e) {
                failure.fail(new ConnectException("Unexpected error handling the answer for " + s, e));
                finished(s, false);
            }
        });
    }

    private CompletableFuture<CreateAnswers.Created> newTask(Submission s) {
        SinkRequest r = s.request();
        Password url = settings.callbackUrl();
        // Made once the INTENT is durable: the callback URL names the partition it landed on. In callback mode an ambiguous
        // failure is not retried by the client: the task's callback is awaited instead (CreateAnswers).
        return client.createTask(() -> new CreateTaskRequest(settings.requestType(), url == null ? null
                                : r.identity().appendTo(url.value(), s.trackingPartition()), r.provider(), r.input()),
                        settings.awaitsCallbacks() ? 0 : settings.ambiguousRetries(), gate.of(s))
                .thenApply(taskId -> new CreateAnswers.Created(taskId, false, System.nanoTime()));
    }

    /** The call of {@code s} is over and its outcome durable; {@code release}: no outcome record counts its spend. */
    private void finished(Submission s, boolean release) {
        availability.ended(s); // a probe that was neither accepted nor refused for unavailability lets the next one go, whatever happened
        if (flow.finished(s, release)) {
            gate.withdrawn(s);
        }
        startCreates();
    }

    /**
     * The partitions are closing: their creates not yet on the wire will be withdrawn, and the
     * queued ones are dropped (never sent: the next owner receives them again). Returns how many were dropped.
     */
    int close(Collection<TopicPartition> partitions) {
        List<Submission> withdraw = new ArrayList<>();
        int dropped = flow.close(partitions, withdraw);
        withdraw.forEach(gate::withdrawn);
        return dropped;
    }

    /** The task stops: nothing new starts, and nothing that fails from now on is recorded as rejected. */
    void stop() {
        flow.stop().forEach(gate::withdrawn);
    }
}
