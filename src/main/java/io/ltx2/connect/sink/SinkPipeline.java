package io.ltx2.connect.sink;

import io.ltx2.connect.sink.cost.BudgetHistory;
import io.ltx2.connect.sink.cost.CostControls;
import io.ltx2.connect.sink.cost.RunningTasks;
import io.ltx2.connect.sink.create.Admission;
import io.ltx2.connect.sink.create.ApiAvailability;
import io.ltx2.connect.sink.create.CreateSettings;
import io.ltx2.connect.sink.create.OutcomeRecorder;
import io.ltx2.connect.sink.create.Submitter;
import io.ltx2.connect.sink.earlier.OrphanWatcher;
import io.ltx2.connect.sink.earlier.PriorAttempts;
import io.ltx2.connect.sink.earlier.RetryIntake;
import io.ltx2.connect.sink.earlier.RetryRequests;
import io.ltx2.connect.sink.report.Backpressure;
import io.ltx2.connect.sink.report.DeadLetterQueue;
import io.ltx2.connect.sink.report.OffsetTracker;
import io.ltx2.connect.sink.report.SinkTaskMetrics;
import io.ltx2.connect.sink.report.TaskFailure;
import io.ltx2.connect.sink.request.InputTopicIds;
import io.ltx2.connect.sink.request.PropagatedHeaders;
import io.ltx2.connect.sink.request.RequestParser;
import io.ltx2.connect.tracking.TrackingFeed;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.tracking.TrackingClients;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A started sink task: the path of its requests from {@code put} to a durable outcome, and the
 * collaborators it owns, wired from its config. {@link LtxSinkTask} keeps the Connect lifecycle (and a
 * start that waits for the tracking cluster) and delegates each step here: {@code put} hands records to
 * the {@link RequestIntake} (earlier attempts, parsing, validation) and starts creates through the
 * {@link Submitter}, which writes an INTENT before each create goes out and the outcome (SUBMITTED or
 * REJECTED) after; {@link #preCommit} lets Connect commit an input offset only when everything below it
 * is durable; {@link Backpressure} pauses the input instead of blocking {@code put}.
 */
final class SinkPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkPipeline.class);
    /** How long the tracking topic's metadata may take at start, and a restart scan may run. */
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond the API client's own time-outs, before an earlier owner's create is taken to have ended unanswered. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

    private final LtxSinkTaskConfig config;
    private final TaskEnvironment env;
    private final LtxApiClient client;
    private final TrackingWriter tracking;
    private final SinkTaskMetrics metrics;
    private final TaskFailure failure = new TaskFailure();
    private final OffsetTracker offsets = new OffsetTracker();
    private final DeadLetterQueue dlq;
    private final CostControls costs;
    private final Submitter submitter;
    private final RequestIntake intake;
    private final PriorAttempts prior;
    private final InputTopicIds topicIds;
    private final Backpressure backpressure;
    private final ApiAvailability availability;
    private final RetryIntake retries;
    private final List<AutoCloseable> resources = new ArrayList<>();

    SinkPipeline(LtxSinkTaskConfig config, SinkTaskContext context, SinkClients clients) {
        this.config = config;
        this.env = clients.environment();
        try {
            String connector = config.connectorName();
            TaskPlacement placement = config.placement();
            String name = connector + "-" + placement.index();
            LongSupplier clock = clients.clock();
            Map<String, Object> trackingProps = config.trackingClientProps();
            this.metrics = SinkTaskMetrics.register(connector, placement.index(), context);
            resources.add(metrics);
            this.client = clients.apiClient(config.apiClientSettings(placement.share()));
            resources.add(client);
            metrics.client(client.stats());
            // The task's four Kafka clients (docs/operations.md): this producer, one Admin, one reader of the tracking
            // cluster, and, with the concurrency cap, a follower of the events topic.
            this.tracking = new TrackingWriter(config.trackingTopic(),
                    clients.producer(TrackingClients.producerProps(trackingProps, "ltx-sink-tracking-" + name)), clients.environment());
            resources.add(tracking);
            TaskAdmin admin = new TaskAdmin(() -> clients.admin(TrackingClients.adminProps(trackingProps, "ltx-sink-admin-" + name)));
            resources.add(admin);
            TrackingFeed feed = new TrackingFeed(config.trackingTopic(),
                    () -> clients.consumer(TrackingClients.scanProps(trackingProps, "ltx-sink-reader-" + name)), clock);
            resources.add(feed);
            // Ready before the first create: a create must never be answered long before its record can be written.
            tracking.awaitReady();
            this.costs = CostControls.load(config, connector, new CostControls.Clients(feed, () -> clients.consumer(
                    TrackingClients.batchingFollowerProps(trackingProps, "ltx-sink-events-" + name, RunningTasks.FETCH_WAIT)), admin, tracking),
                    client, clock);
            resources.add(costs);
            this.dlq = new DeadLetterQueue(DeadLetterQueue.reporterOf(context, config.toleratesErrors()));
            OutcomeRecorder outcomes = new OutcomeRecorder(tracking, config.requestType(), BudgetHistory.tags(placement.index()), offsets, dlq,
                    metrics, failure, costs.spend(clock));
            this.availability = new ApiAvailability(config.availability(), clock);
            availability.gauges(metrics);
            Admission admission = new Admission(config.maxInFlight(), client, costs.running(), costs.budget(), availability);
            this.submitter = new Submitter(client, tracking, admission, outcomes, new CreateSettings(config.requestType(),
                    config.callbackMode() ? config.callbackUrl().orElse(null) : null, config.createAmbiguousRetries(),
                    config.callbackAdoptAmbiguous(), costs.guard(), costs.running(), availability), metrics, failure, clock);
            this.prior = new PriorAttempts(connector, feed, config.dedupLookback(), SCAN_TIMEOUT, config.dryRun());
            OrphanWatcher orphans = new OrphanWatcher(feed, config.callbackMode(), answerBound(client), config.adoptionTimeout());
            // Described on the tracking cluster: the input topic's id where both clusters are one (the usual setup).
            this.topicIds = new InputTopicIds(clients.topicIds(admin, "its requests are told apart by coordinates only, as by older versions"));
            RequestParser parser = new RequestParser(connector, config.requestDefaults(),
                    new PropagatedHeaders(config.propagatedHeaderNames(), config.propagatedHeaderPattern()), topicIds::idOf);
            if (costs.running() != null) {
                costs.running().onRoom(submitter::startCreates); // tasks that end make room: creates start without waiting for put
            }
            this.intake = new RequestIntake(parser, prior, orphans, submitter, outcomes, offsets, metrics,
                    new RequestIntake.Policy(config.requestType(), config.dryRun(), config.toleratesErrors(), config.createAmbiguousRetries()));
            this.backpressure = new Backpressure(context, metrics, clients.environment());
            RetryRequests asked = new RetryRequests(connector, feed);
            this.retries = new RetryIntake(asked, submitter, orphans, availability, costs.running(), context::assignment, answerBound(client));
            registerGauges();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * How long after a partition moved an earlier owner's create may still be answered: its
     * connection and answer time-outs, and a margin. Once its partition is closed, an owner sends
     * no new attempt; the one on the wire ends within that.
     */
    static Duration answerBound(LtxApiClient client) {
        return client.settings().connectTimeout().plus(client.settings().responseTimeout()).plus(ANSWER_MARGIN);
    }

    private void registerGauges() {
        metrics.gauge("creates-in-flight", "Create calls started whose outcome is not durable yet", submitter::inFlight);
        metrics.gauge("requests-waiting", "Requests accepted and waiting for admission (input paused meanwhile)", submitter::waiting);
        metrics.gauge("requests-awaiting-adoption", "Requests whose earlier create may exist without an answer (found after a restart or "
                + "rebalance, or a create that got no usable answer in callback mode) or whose RETRY waits for the request's records to be "
                + "read: waiting for a late answer, a WITHDRAWN record or, with callbacks, the task's callback, before any new create",
                intake::awaitingEarlier);
        costs.gauges(metrics);
    }

    void open(Collection<TopicPartition> partitions) {
        topicIds.assigned(partitions);
        intake.assigned(partitions);
        backpressure.opened(partitions);
    }

    /**
     * Takes a batch: fails the task for what made it fail since the last one, reads what the tracking topic says of waiting
     * requests and RETRYs, takes the records, starts the creates admission allows, and pauses or resumes the input.
     */
    void put(Collection<SinkRecord> records, long now) {
        RuntimeException costFailure = costs.failure();
        if (costFailure != null) {
            failure.fail(new ConnectException(costFailure.getMessage(), costFailure));
        }
        ConnectException unavailable = availability.failure();
        if (unavailable != null) {
            failure.fail(unavailable);
        }
        failure.throwIfFailed();
        dlq.flush();
        costs.maybeCheckpoint(now);
        intake.checkWaiting(now);
        retries.accept(now);
        try {
            intake.accept(records, now);
        } catch (DataException unreadable) {
            // The requests before an unreadable record still go out before the task fails: closing withdraws
            // creates that have not left yet, so wait here (bounded) for those started to be answered.
            submitter.startCreates();
            awaitQuiet(() -> submitter.awaited() > 0 || !dlq.idle() || submitter.inFlight() > 0);
            throw unreadable;
        }
        submitter.startCreates();
        dlq.flush();
        // Requests waiting for an earlier create's answer keep put coming too: their records arrive on the tracking topic, not the input.
        boolean busy = submitter.inFlight() > 0 || !dlq.idle() || intake.awaitingEarlier() > 0;
        backpressure.apply(submitter.backlogged(), submitter.waiting(), submitter.admitted(), client.throttledUntil(), busy);
    }

    Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        dlq.flush();
        return offsets.committable(currentOffsets);
    }

    /** Closes the partitions; returns how many queued requests were left for the next owner. */
    int close(Collection<TopicPartition> partitions) {
        int dropped = submitter.close(partitions);
        // Let the creates of these partitions already out finish, and the outcome records being written land, so the next
        // owner's scan sees them (a rejection written twice would be two events).
        awaitQuiet(() -> submitter.awaited(partitions) > 0 || offsets.writing(partitions) > 0 || !dlq.idle());
        offsets.forget(partitions);
        intake.revoked(partitions);
        return dropped;
    }

    /** Stops: lets the creates out finish (bounded), checkpoints the spend, logs what the task did, and closes everything. */
    void stop(long started) {
        submitter.stop();
        awaitQuiet(() -> submitter.awaited() > 0 || !dlq.idle());
        costs.checkpoint(env.currentTimeMillis()); // after the creates out have their outcome stamped
        int left = submitter.awaited();
        log.info("Stopped LTX sink task in {} ms: {} submitted ({} s of video), {} rejected, {} dry-run, {} redelivered duplicates skipped, "
                        + "{} unconfirmed attempts, {} adopted", (System.nanoTime() - started) / 1_000_000, metrics.total("requests-submitted"),
                metrics.total("video-seconds-submitted"), metrics.total("requests-rejected"), metrics.total("requests-dry-run"),
                metrics.total("duplicates-skipped"), metrics.total("unconfirmed-attempts"), metrics.total("requests-adopted"));
        close();
        if (left > 0) {
            log.warn("Stopped with {} create(s) unanswered: their INTENT records tell the next owner they may exist "
                    + "(see docs/delivery-semantics.md)", left);
        }
    }

    /** Waits, up to the shutdown time-out, while {@code busy} (creates out on the wire, DLQ reports); task thread only. */
    private void awaitQuiet(BooleanSupplier busy) {
        long deadline = env.nanoTime() + config.shutdownTimeout().toNanos();
        while (env.nanoTime() < deadline && busy.getAsBoolean()) {
            dlq.flush();
            try {
                env.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** For the start log line: the API client's settings and whether rejected records also go to the DLQ. */
    LtxApiClient client() {
        return client;
    }

    boolean dlqEnabled() {
        return dlq.enabled();
    }

    // For tests and benchmarks: views of the collaborators.

    SinkTaskMetrics metrics() {
        return metrics;
    }

    CostControls costs() {
        return costs;
    }

    ApiAvailability availability() {
        return availability;
    }

    Submitter submitter() {
        return submitter;
    }

    PriorAttempts prior() {
        return prior;
    }

    /** Closes what was built, newest first, quietly. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
