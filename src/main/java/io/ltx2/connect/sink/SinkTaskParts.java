package io.ltx2.connect.sink;

import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.config.TaskPlacement;
import io.ltx2.connect.tracking.TrackingClients;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A started sink task's collaborators, wired from its config; what {@link LtxSinkTask} delegates
 * to. Building them is all that happens here.
 */
final class SinkTaskParts implements AutoCloseable {
    /** How long the tracking topic's metadata may take at start, and a restart scan may run. */
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond the API client's own time-outs, before an earlier owner's create is taken to have ended unanswered. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

    final LtxApiClient client;
    final TrackingWriter tracking;
    final SinkTaskMetrics metrics;
    final TaskFailure failure = new TaskFailure();
    final OffsetTracker offsets = new OffsetTracker();
    final DeadLetterQueue dlq;
    final CostControls costs;
    final Submitter submitter;
    final RequestIntake intake;
    final PriorAttempts prior;
    final InputTopicIds topicIds;
    final Backpressure backpressure;
    final ApiAvailability availability;
    final RetryIntake retries;
    private final List<AutoCloseable> resources = new ArrayList<>();

    SinkTaskParts(LtxSinkTaskConfig config, SinkTaskContext context, SinkClients clients) {
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
                + "rebalance), waiting for its late answer, its WITHDRAWN record or, with callbacks, its callback, before any new create",
                intake::awaitingEarlier);
        costs.gauges(metrics);
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
