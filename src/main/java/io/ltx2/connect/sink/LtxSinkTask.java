package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.CreateTaskRequest;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns request records into API tasks. {@code put} parses, validates and queues; up to
 * {@code ltx.sink.max.in.flight} creates run at once on the task's {@link LtxApiClient}; each
 * accepted task gets a SUBMITTED tracking record, each refused request a REJECTED one (and a DLQ
 * report). {@link #preCommit} lets Connect commit an input offset only when everything below it is
 * durable. When the pipeline is full or the API asked us to back off (429), the input partitions
 * are paused instead of blocking {@code put}.
 */
public class LtxSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(LtxSinkTask.class);
    /** Poll interval while paused or waiting for DLQ reports, so resuming does not wait for the next offset commit. */
    private static final long SHORT_POLL_MS = 100;
    /**
     * Most wait for the client's rate limit that a create may be handed over with. Beyond it, requests
     * stay queued here and the input pauses, so a revocation (which waits ltx.sink.shutdown.timeout.ms for
     * creates in flight) never leaves creates queued in the client that the next owner would send again.
     */
    private static final Duration MAX_RATE_BACKLOG = Duration.ofSeconds(1);

    private LtxSinkTaskConfig config;
    private LtxApiClient client;
    private TrackingWriter tracking;
    private DedupIndex dedup;
    private RequestParser parser;
    private ErrantRecordReporter reporter;
    private Password callbackUrl;
    private int maxInFlight;
    private SinkTaskMetrics metrics;
    private String connectorName;
    /** This task's part of the spend caps; null when no cap is set. */
    private SpendBudget budget;
    /** This task's running API tasks, for the concurrency cap; null when the cap is off. */
    private OutstandingTasks outstanding;
    /** The duplicate guard's content hashes; null when the guard is off. */
    private ContentIndex contents;

    private final OffsetTracker offsets = new OffsetTracker();
    private final SinkCounters counters = new SinkCounters();
    private final Object lock = new Object();
    /** Accepted by put, create not started yet; guarded by {@link #lock}. */
    private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
    /** Creates started and not finished (tracking record included). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Creates put on the wire (the API may have them) and not finished; what a closing task must wait for. */
    private final AtomicInteger sentInFlight = new AtomicInteger();
    /**
     * Times each partition was closed. A create belongs to the ownership period it was queued in:
     * once its partition is closed (even if it comes back to this task), a create not yet on the
     * wire is withdrawn, because Connect hands the record out again. Guarded by {@link #lock}.
     */
    private final Map<TopicPartition, Integer> closings = new HashMap<>();
    private volatile boolean stopping;
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    /** DLQ reports to make on the task thread (the reporter belongs to it). */
    private final ConcurrentLinkedQueue<Report> toReport = new ConcurrentLinkedQueue<>();
    /** Reports made and not yet written; task thread only. */
    private final List<Report> reporting = new ArrayList<>();
    private boolean paused;
    private boolean concurrencyCapped;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new LtxSinkTaskConfig(props);
        connectorName = props.getOrDefault("name", "ltx-sink");
        String name = connectorName + "-" + config.placement().index();
        maxInFlight = config.maxInFlight();
        callbackUrl = config.callbackMode() ? config.callbackUrl().orElse(null) : null;
        parser = new RequestParser(config.requestDefaults());
        reporter = config.toleratesErrors() ? errantRecordReporter() : null;
        client = new LtxApiClient(ApiClientSettings.from(config, config.placement().share()));
        try {
            tracking = TrackingWriter.create(config.trackingTopic(), config.trackingClientProps(), "ltx-sink-tracking-" + name);
            dedup = new DedupIndex(config.trackingTopic(), DedupIndex.consumerFactory(config.trackingClientProps(), "ltx-sink-dedup-" + name),
                    config.dedupLookback(), Duration.ofSeconds(60));
            loadCostState(name);
        } catch (RuntimeException e) {
            client.close();
            if (outstanding != null) {
                outstanding.close();
            }
            if (tracking != null) {
                tracking.close();
            }
            throw e;
        }
        try {
            metrics = SinkTaskMetrics.register(context, counters, inFlight::get, () -> client.stats().rateLimited());
            if (metrics != null) {
                metrics.registerCost(counters, budget, outstanding);
            }
        } catch (LinkageError oldWorker) {
            metrics = null; // no plugin metrics API on this worker
        }
        log.info("Started LTX sink task {} (version {}): {} requests, provider {}, up to {} creates in flight, {} calls/min, "
                        + "tracking topic {}, rejected records {}, unreadable records {}", config.placement().index(), version(), config.requestType(), config.provider(),
                maxInFlight, Math.round(config.connectorCallsPerMinute() * config.placement().share()), config.trackingTopic(),
                reporter != null ? "also to the dead letter queue" : "to the tracking topic only",
                config.toleratesErrors() ? "rejected" : "fail the task");
    }

    /**
     * The spend caps' and the concurrency cap's state, rebuilt from this connector's SUBMITTED records
     * on the tracking topic (and, for the concurrency cap, the events topic); nothing when both are off.
     */
    private void loadCostState(String clientName) {
        boolean caps = config.budgetSecondsPerHour() > 0 || config.budgetSecondsPerDay() > 0;
        Optional<String> events = config.concurrencyEventsTopic();
        boolean guard = !config.duplicateWindow().isZero();
        if (!caps && events.isEmpty() && !guard) {
            return;
        }
        SpendBudget b = caps ? new SpendBudget(config.budgetSecondsPerHour(), config.budgetSecondsPerDay(), config.placement().count(),
                System::currentTimeMillis) : null;
        List<Duration> lookbacks = new ArrayList<>();
        if (b != null) {
            lookbacks.add(b.lookback());
        }
        if (events.isPresent()) {
            lookbacks.add(config.concurrencyTimeout());
        }
        if (guard) {
            lookbacks.add(config.duplicateWindow());
        }
        BudgetHistory.Found found = BudgetHistory.read(DedupIndex.consumerFactory(config.trackingClientProps(), "ltx-sink-budget-" + clientName),
                config.trackingTopic(), connectorName, config.placement().index(), Collections.max(lookbacks), System.currentTimeMillis(),
                Duration.ofSeconds(120), guard);
        if (guard) {
            contents = new ContentIndex(config.duplicateWindow(), config.model(), System::currentTimeMillis);
            found.created().stream().sorted(java.util.Comparator.comparingLong(TrackingRecord::time))
                    .forEach(t -> contents.hash(t.provider(), t.input()).ifPresent(h -> contents.add(h, t.taskId(), t.time())));
            log.info("Duplicate guard: {} distinct fixed-seed inputs created by this connector in the last {} min are reused when "
                    + "their task succeeded", contents.size(), config.duplicateWindow().toMinutes());
        }
        if (events.isPresent()) {
            int limit = Math.max(1, config.connectorMaxConcurrentTasks() / config.placement().count());
            outstanding = new OutstandingTasks(limit, config.concurrencyTimeout(), System::currentTimeMillis,
                    DedupIndex.consumerFactory(config.trackingClientProps(), "ltx-sink-events-" + clientName), events.get(),
                    found.ownTasks(), "ltx-sink-events-" + clientName);
            log.info("Concurrency cap: this task keeps at most {} API tasks running (of the connector's {}); {} submitted in the last {} "
                    + "min, following {} for their terminal events", limit, config.connectorMaxConcurrentTasks(), found.ownTasks().size(),
                    config.concurrencyTimeout().toMinutes(), events.get());
        }
        if (b == null) {
            return;
        }
        b.load(found.own(), found.others());
        budget = b;
        log.info("Spend caps: this task may submit {} video seconds per hour and {} per day (of the connector's {} and {}, 0 = no cap); "
                        + "read {} tracking records in {} ms: {} of its own and {} other submissions of this connector in the window; "
                        + "remaining now: {} s this hour, {} s today (-1 = no cap)", b.hourCap(), b.dayCap(), config.budgetSecondsPerHour(),
                config.budgetSecondsPerDay(), found.recordsRead(), found.millis(), found.own().size(), found.others().size(),
                b.remainingHour(), b.remainingDay());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            log.warn("This Connect worker has no errant record reporter (before Kafka 2.6): rejected records are not sent to a DLQ");
            return null;
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        dedup.assigned(partitions);
        // Connect re-pauses newly assigned partitions that this task paused before a rebalance, even if
        // it resumed in between while it owned nothing; make the new ones follow the task's current state.
        TopicPartition[] added = partitions.toArray(TopicPartition[]::new);
        if (paused) {
            context.pause(added);
        } else {
            context.resume(added);
        }
        log.info("Assigned {} partition(s): {}", partitions.size(), partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (outstanding != null && outstanding.failure() != null) {
            fail(new ConnectException(outstanding.failure().getMessage(), outstanding.failure()));
        }
        throwIfFailed();
        checkReports();
        dedup.prepare(records);
        try {
            for (SinkRecord record : records) {
                accept(record);
            }
        } finally {
            // Also when an unreadable record fails the task: the requests before it still go out, and
            // stopping waits for them, so the restarted task finds them done instead of resending.
            startCreates();
        }
        makeReports();
        applyBackpressure();
    }

    private void accept(SinkRecord record) {
        SourceCoordinates source = RequestParser.coordinates(record);
        TopicPartition tp = new TopicPartition(source.topic(), source.partition());
        if (dedup.alreadyHandled(source)) {
            counters.skippedDuplicates.incrementAndGet();
            log.debug("Skipping {}: an earlier owner of the partition already submitted or rejected it", source.asRequestId());
            return;
        }
        SinkRequest request;
        try {
            request = parser.parse(record);
        } catch (UnparseableRecordException e) {
            if (!config.toleratesErrors()) {
                throw new DataException("Record " + source.asRequestId() + " is not a request: " + e.getMessage()
                        + " (set errors.tolerance=all, and a dead letter queue, to skip such records)", e);
            }
            offsets.begin(tp, source.offset());
            reject(record, tp, source, RequestParser.bestEffortRequestId(record), null,
                    new UnparseableRecordException("Record cannot be read as a request: " + e.getMessage(), e));
            return;
        }
        offsets.begin(tp, source.offset());
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            reject(record, tp, source, request.requestId(), request.input(), new BadRequestRecordException(FailCodes.INVALID_REQUEST,
                    "Invalid request '" + request.requestId() + "': " + String.join("; ", problems)));
            return;
        }
        if (config.dryRun()) {
            recordDryRun(tp, source, request);
            return;
        }
        log.debug("Queued request '{}' from {}", request.requestId(), source.asRequestId());
        synchronized (lock) {
            waiting.add(new Submission(record, tp, request, closings.getOrDefault(tp, 0), new AtomicBoolean()));
        }
    }

    /**
     * Starts creates while there is room and budget; called from put and from completions. A request
     * the spend caps do not allow yet stays at the head of the queue, which keeps the input paused
     * (see {@link #applyBackpressure}) until the window allows it.
     */
    private void startCreates() {
        List<Submission> starting = new ArrayList<>();
        synchronized (lock) {
            while (!waiting.isEmpty() && inFlight.get() < maxInFlight && fatal.get() == null) {
                // The creates taken in this loop reserve their permits only once started, below: count them.
                if (client.rateLimitBacklog(starting.size()).compareTo(MAX_RATE_BACKLOG) > 0) {
                    break;
                }
                if (outstanding != null && !outstanding.hasRoom(inFlight.get())) {
                    if (!concurrencyCapped) {
                        concurrencyCapped = true;
                        log.debug("Concurrency cap: {} API tasks running and {} creates in flight, cap {}; input paused",
                                outstanding.running(), inFlight.get(), outstanding.limit());
                    }
                    break;
                }
                concurrencyCapped = false;
                Submission next = waiting.peek();
                if (budget != null) {
                    boolean wasBlocked = budget.blocked();
                    SpendBudget.Reservation reservation = budget.tryReserve(seconds(next.request()));
                    if (reservation == null) {
                        if (!wasBlocked) {
                            log.info("Spend cap reached ({} s left this hour, {} s today, -1 = no cap): request '{}' of {} s and "
                                            + "{} more wait, input paused until the window allows", budget.remainingHour(),
                                    budget.remainingDay(), next.request().requestId(), seconds(next.request()), waiting.size() - 1);
                        }
                        break;
                    }
                    if (wasBlocked) {
                        log.info("Spend cap allows submissions again after {} ms paused in total", budget.pausedMs());
                    }
                    next = next.withReservation(reservation);
                }
                waiting.poll();
                starting.add(next);
                inFlight.incrementAndGet();
            }
        }
        starting.forEach(this::create);
    }

    /** Seconds of video a request is billed for; the defaults always fill in a duration. */
    private static int seconds(SinkRequest request) {
        Integer d = request.input().duration();
        return d == null ? ContractLimits.DURATION_MAX : d;
    }

    /** Dry run: a valid request is recorded as what would be sent, with failCode DRY_RUN, and never sent. */
    private void recordDryRun(TopicPartition tp, SourceCoordinates source, SinkRequest request) {
        counters.dryRun.incrementAndGet();
        log.debug("Dry run: request '{}' from {} is valid and would be submitted", request.requestId(), source.asRequestId());
        String message = "Dry run (ltx.sink.dry.run=true): request '" + request.requestId() + "' is valid and would be submitted as a "
                + config.requestType() + " task with provider " + request.provider() + ", " + seconds(request) + " s of video";
        tracking.write(TrackingRecord.rejected(tracked(request.requestId(), source, request.provider(), request.input()),
                FailCodes.DRY_RUN, message, List.of(), System.currentTimeMillis())).whenComplete((metadata, error) -> {
                    if (error != null) {
                        fail(new ConnectException("Could not write the DRY_RUN tracking record of request '" + request.requestId()
                                + "'; its input offset will not be committed", unwrap(error)));
                    } else {
                        offsets.complete(tp, source.offset());
                    }
                });
    }

    private void create(Submission s) {
        CreateTaskRequest body = new CreateTaskRequest(config.requestType(), callbackUrl == null ? null : callbackUrl.value(),
                s.request().provider(), s.request().input());
        Optional<String> hash = contents == null ? Optional.empty() : contents.hash(s.request().provider(), s.request().input());
        Optional<ContentIndex.Entry> earlier = hash.flatMap(h -> contents.find(h));
        CompletableFuture<Created> call;
        try {
            call = earlier.isPresent()
                    ? reuseOrCreate(body, earlier.get(), s)
                    : client.createTask(body, config.createAmbiguousRetries(), () -> mayStart(s)).thenApply(id -> new Created(id, false));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((created, error) -> {
            try {
                if (error != null && unwrap(error) instanceof CancellationException) {
                    // Withdrawn before it was sent: the partition's next owner receives the record again.
                    log.debug("Create of request '{}' withdrawn: partition {} closed", s.request().requestId(), s.partition());
                    if (s.reservation() != null) {
                        budget.release(s.reservation()); // never sent: not spent
                    }
                    finished(s);
                    return;
                }
                if (error == null && created.reused()) {
                    onReused(s, created.taskId());
                } else if (error == null) {
                    hash.ifPresent(h -> contents.add(h, created.taskId(), System.currentTimeMillis()));
                    onAccepted(s, created.taskId());
                } else {
                    onRefused(s, unwrap(error));
                }
            } catch (RuntimeException e) {
                fail(new ConnectException("Unexpected error handling the answer for request '" + s.request().requestId() + "'", e));
                finished(s);
            }
        });
    }

    /**
     * Duplicate guard: one status call on the earlier task; its result is reused only if it succeeded
     * (a task still running, failed, or unknown leads to a normal create).
     */
    private CompletableFuture<Created> reuseOrCreate(CreateTaskRequest body, ContentIndex.Entry earlier, Submission s) {
        return client.getStatus(earlier.taskId())
                .handle((status, error) -> error == null && status.state() == io.ltx2.connect.api.TaskState.SUCCESS)
                .thenCompose(succeeded -> succeeded
                        ? CompletableFuture.completedFuture(new Created(earlier.taskId(), true))
                        : client.createTask(body, config.createAmbiguousRetries(), () -> mayStart(s)).thenApply(id -> new Created(id, false)));
    }

    /** The request gets the earlier task's result: a SUBMITTED record naming that task, which the source resolves. */
    private void onReused(Submission s, String earlierTaskId) {
        SinkRequest r = s.request();
        if (s.reservation() != null) {
            budget.release(s.reservation()); // nothing new is billed
        }
        log.debug("Request '{}' reuses the result of task {} (same input and seed)", r.requestId(), earlierTaskId);
        TrackingRecord submitted = TrackingRecord.reused(tracked(r.requestId(), r.source(), r.provider(), r.input()), earlierTaskId,
                System.currentTimeMillis());
        tracking.write(submitted, BudgetHistory.reusedTags(connectorName, config.placement().index())).whenComplete((metadata, error) -> {
            if (error != null) {
                fail(new ConnectException("Could not write the tracking record of request '" + r.requestId() + "' (reusing task "
                        + earlierTaskId + ") to " + tracking.topic() + "; its input offset will not be committed", error));
            } else {
                counters.reused.incrementAndGet();
                offsets.complete(s.partition(), r.source().offset());
            }
            finished(s);
        });
    }

    private void onAccepted(Submission s, String taskId) {
        SinkRequest r = s.request();
        log.debug("Request '{}' accepted as task {}", r.requestId(), taskId);
        if (outstanding != null) {
            outstanding.submitted(taskId);
        }
        TrackingRecord submitted = TrackingRecord.submitted(tracked(r.requestId(), r.source(), r.provider(), r.input()), taskId, 1,
                List.of(), System.currentTimeMillis());
        tracking.write(submitted, BudgetHistory.tags(connectorName, config.placement().index())).whenComplete((metadata, error) -> {
            if (error != null) {
                fail(new ConnectException("Could not write the SUBMITTED tracking record of request '" + r.requestId() + "' (task "
                        + taskId + ") to " + tracking.topic() + "; its input offset will not be committed", error));
            } else {
                counters.submitted.incrementAndGet();
                counters.videoSecondsSubmitted.addAndGet(seconds(r));
                offsets.complete(s.partition(), r.source().offset());
            }
            finished(s);
        });
    }

    private void onRefused(Submission s, Throwable error) {
        SinkRequest r = s.request();
        if (s.reservation() != null) {
            // The API did not accept it (or we cannot tell): the seconds are not counted against the caps.
            budget.release(s.reservation());
        }
        if (error instanceof LtxApiException api && api.kind() == ApiErrorKind.AUTH) {
            fail(new ConnectException("The APIXO API refused the connector's credentials: " + api.getMessage()
                    + ". Fix ltx.api.key and restart the task; no offsets were committed for unsubmitted requests."));
        } else if (error instanceof LtxApiException api && api.kind() == ApiErrorKind.NOT_FOUND) {
            // The create endpoint itself is missing: every request would fail the same way.
            fail(new ConnectException("The API has no create endpoint at the configured address: " + api.getMessage()
                    + ". Check ltx.api.url and ltx.model; no offsets were committed for unsubmitted requests."));
        } else if (error instanceof LtxApiException api && api.kind() == ApiErrorKind.BAD_REQUEST) {
            reject(s.record(), s.partition(), r.source(), r.requestId(), r.input(), new BadRequestRecordException(FailCodes.HTTP_400,
                    "The API refused request '" + r.requestId() + "': " + api.getMessage(), api));
        } else {
            reject(s.record(), s.partition(), r.source(), r.requestId(), r.input(), new BadRequestRecordException(FailCodes.SUBMIT_FAILED,
                    "Could not submit request '" + r.requestId() + "': " + error.getMessage() + mayExist(error), error));
        }
        finished(s);
    }

    /** Without an answer (or with an unreadable one) we cannot know whether the API created the task. */
    private static String mayExist(Throwable error) {
        boolean noAnswer = !(error instanceof LtxApiException api) || api.httpStatus() == 0 || api.kind() == ApiErrorKind.MALFORMED_RESPONSE;
        return noAnswer ? " (no usable answer: the API may have created the task)" : "";
    }

    /** Asked by the client right before a create goes on the wire; no once the record's partition is closing. */
    private boolean mayStart(Submission s) {
        synchronized (lock) {
            if (stopping || closings.getOrDefault(s.partition(), 0) != s.ownership()) {
                return false;
            }
            if (s.sent().compareAndSet(false, true)) {
                sentInFlight.incrementAndGet();
            }
            return true;
        }
    }

    private void finished(Submission s) {
        if (s.sent().get()) {
            sentInFlight.decrementAndGet();
        }
        inFlight.decrementAndGet();
        startCreates();
    }

    /** Writes the REJECTED record and, with a DLQ, reports the record; the offset completes when both are durable. */
    private void reject(SinkRecord record, TopicPartition tp, SourceCoordinates source, String requestId, GenerationInput input,
                        BadRequestRecordException reason) {
        counters.rejected.incrementAndGet();
        log.warn("Rejected request '{}' from {} ({}): {}", requestId, source.asRequestId(), reason.failCode(), reason.getMessage());
        CompletableFuture<?> written = tracking.write(TrackingRecord.rejected(tracked(requestId, source, null, input),
                reason.failCode(), reason.getMessage(), List.of(), System.currentTimeMillis()));
        CompletableFuture<Void> reported = new CompletableFuture<>();
        if (reporter != null) {
            toReport.add(new Report(record, reason, reported));
        } else {
            reported.complete(null);
        }
        CompletableFuture.allOf(written, reported).whenComplete((v, error) -> {
            if (error != null) {
                fail(new ConnectException("Could not record the rejection of request '" + requestId + "'; its input offset will not be committed",
                        unwrap(error)));
            } else {
                offsets.complete(tp, source.offset());
            }
        });
    }

    private void makeReports() {
        for (Report report; (report = toReport.poll()) != null; ) {
            try {
                report.written = reporter.report(report.record, report.reason);
                reporting.add(report);
            } catch (RuntimeException e) {
                report.done.completeExceptionally(e);
            }
        }
    }

    private void checkReports() {
        for (Iterator<Report> it = reporting.iterator(); it.hasNext(); ) {
            Report report = it.next();
            if (report.written.isDone()) {
                it.remove();
                try {
                    report.written.get();
                    report.done.complete(null);
                } catch (ExecutionException | InterruptedException e) {
                    report.done.completeExceptionally(e);
                }
            }
        }
    }

    private void applyBackpressure() {
        boolean full;
        synchronized (lock) {
            full = !waiting.isEmpty() || inFlight.get() >= maxInFlight;
        }
        Optional<Instant> throttled = client.throttledUntil();
        Set<TopicPartition> assignment = context.assignment();
        if (assignment.isEmpty()) {
            // Between revocation and assignment: nothing to pause or resume; open() applies the state later.
            log.trace("No partitions assigned; backpressure state kept (paused: {})", paused);
        } else if (full || throttled.isPresent()) {
            if (!paused) {
                counters.pauses.incrementAndGet();
                log.debug("Pausing input: {} creates in flight, API throttled: {}", inFlight.get(), throttled.isPresent());
            }
            paused = true;
            context.pause(assignment.toArray(TopicPartition[]::new));
        } else if (paused) {
            paused = false;
            context.resume(assignment.toArray(TopicPartition[]::new));
            log.debug("Resuming input: {} creates in flight", inFlight.get());
        }
        // Poll again soon while work is outstanding: to resume, report, or surface a fatal error without
        // waiting for the next offset commit (which bounds the consumer's poll otherwise).
        if (paused || inFlight.get() > 0 || !toReport.isEmpty() || !reporting.isEmpty()) {
            long wait = throttled.map(t -> Duration.between(Instant.now(), t).toMillis()).orElse(SHORT_POLL_MS);
            context.timeout(Math.max(20, Math.min(wait, 1_000)));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        checkReports();
        return offsets.committable(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        int dropped = 0;
        synchronized (lock) {
            // Creates of these partitions not yet on the wire are withdrawn when their turn comes.
            partitions.forEach(tp -> closings.merge(tp, 1, Integer::sum));
            // Not started: never sent, so the next owner gets them again from the committed offset.
            for (Iterator<Submission> it = waiting.iterator(); it.hasNext(); ) {
                if (partitions.contains(it.next().partition())) {
                    it.remove();
                    dropped++;
                }
            }
            if (waiting.isEmpty() && budget != null) {
                budget.idle();
            }
        }
        // Let the creates already sent finish, so the next owner's dedup scan sees their tracking records.
        awaitQuiet(config.shutdownTimeout());
        offsets.forget(partitions);
        dedup.revoked(partitions);
        log.info("Closed {} partition(s), {} queued request(s) left for the next owner", partitions.size(), dropped);
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        if (config == null) {
            return;
        }
        synchronized (lock) {
            stopping = true;
            waiting.clear();
        }
        awaitQuiet(config.shutdownTimeout());
        int left = sentInFlight.get();
        if (client != null) {
            client.close();
        }
        if (tracking != null) {
            tracking.close();
        }
        if (outstanding != null) {
            outstanding.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (left > 0) {
            log.warn("Stopped with {} create(s) unfinished: their records will be redelivered, and any the API had accepted will be "
                    + "submitted again (see docs/delivery-semantics.md)", left);
        }
        log.info("Stopped LTX sink task in {} ms: {} submitted ({} s of video), {} rejected, {} dry-run, {} redelivered duplicates skipped",
                (System.nanoTime() - started) / 1_000_000, counters.submitted.get(), counters.videoSecondsSubmitted.get(),
                counters.rejected.get(), counters.dryRun.get(), counters.skippedDuplicates.get());
    }

    /** Waits, up to the timeout, for creates in flight and their tracking records and DLQ reports; task thread only. */
    private void awaitQuiet(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && (sentInFlight.get() > 0 || !toReport.isEmpty() || !reporting.isEmpty())) {
            if (reporter != null) {
                makeReports();
                checkReports();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fail(ConnectException e) {
        if (fatal.compareAndSet(null, e)) {
            log.error("Sink task failing: {}", e.getMessage());
        }
    }

    private void throwIfFailed() {
        ConnectException e = fatal.get();
        if (e != null) {
            throw e;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** What a create step produced: a new task, or an earlier one whose result is reused. */
    private record Created(String taskId, boolean reused) {
    }

    /**
     * A request queued for creation; {@code ownership} is its partition's close count when it was queued;
     * {@code reservation} its seconds reserved under the spend caps (null without caps).
     */
    private record Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, AtomicBoolean sent,
                              SpendBudget.Reservation reservation) {
        Submission(SinkRecord record, TopicPartition partition, SinkRequest request, int ownership, AtomicBoolean sent) {
            this(record, partition, request, ownership, sent, null);
        }

        Submission withReservation(SpendBudget.Reservation r) {
            return new Submission(record, partition, request, ownership, sent, r);
        }
    }

    private static final class Report {
        final SinkRecord record;
        final Throwable reason;
        final CompletableFuture<Void> done;
        Future<Void> written;

        Report(SinkRecord record, Throwable reason, CompletableFuture<Void> done) {
            this.record = record;
            this.reason = reason;
            this.done = done;
        }
    }

    /** TEMP stub (source branch): the v2 tracking request of a record; the sink rewrite replaces this. */
    private TrackedRequest tracked(String requestId, SourceCoordinates source, String provider, GenerationInput input) {
        return new TrackedRequest(RequestIdentity.of(connectorName, source), requestId, config.requestType(), provider, input, null);
    }
}
