package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.archive.ArchiveSettings;
import io.ltx2.connect.archive.Archiver;
import io.ltx2.connect.callback.CallbackReceivers;
import io.ltx2.connect.config.ArchiveConfig;
import io.ltx2.connect.config.LtxSourceTaskConfig;
import io.ltx2.connect.config.RetryConfig;
import io.ltx2.connect.tracking.AdminTopicIds;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.tracking.TrackingClients;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.TaskEnvironment;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Follows the requests of its share of the tracking topic's partitions to their end and emits one
 * terminal event per request. The Connect source partition is a tracking partition and the source
 * offset its {@link PartitionProgress}, so events and progress commit together (in one
 * transaction with exactly-once source support).
 *
 * <p>This class runs the lifecycle; {@link TrackingReader} reads the tracking topic,
 * {@link RequestRegistry} decides, {@link TaskFollower} polls the API, {@link EventFactory} makes
 * the records; with {@code ltx.archive.enabled}, the {@link ArchiveStage} holds each success between the
 * registry's decision and its event until its videos are in the object store. All of it happens on the
 * thread that calls {@link #poll()} (the transfers on the archive stage's threads).
 */
public class LtxSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceTask.class);
    /** Pause between attempts to seek to the stored progress while the tracking cluster cannot answer. */
    static final long RESTORE_BACKOFF_MS = 1_000;

    private final TaskEnvironment env;
    private final LongSupplier clock;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers;
    private final Function<Map<String, Object>, TopicIds> topicIds;
    private final Function<ApiClientSettings, LtxApiClient> clients;
    private final Function<Map<String, Object>, Producer<String, byte[]>> producers;
    private final Function<CallbackReceivers.Settings, CallbackReceivers.Lease> receivers;
    private final ReentrantLock pollLock = new ReentrantLock();
    private volatile boolean stopping;

    private LtxApiClient client;
    private SourceTaskMetrics metrics;
    private volatile TrackingReader reader;
    private volatile RequestRegistry registry;
    private TaskFollower follower;
    private EventFactory events;
    private ArchiveStage archive;
    private CallbackReceivers.Lease receiver;
    private TrackingWriter retryWriter;
    private TopicIds trackingTopicIds;
    private int restoreAttempts;

    public LtxSourceTask() {
        this(TaskEnvironment.SYSTEM, KafkaConsumer::new, props -> new AdminTopicIds(() -> Admin.create(TrackingClients.adminProps(props, "ltx-source-topic-id")),
                "a recreated tracking topic is only detected by its end offsets"), LtxApiClient::new,
                KafkaProducer::new, CallbackReceivers::acquire);
    }

    /**
     * For tests: time and threads, and factories of the tracking consumer, the topic-id lookup, the API client, the RETRY
     * producer and the callback receiver.
     */
    LtxSourceTask(TaskEnvironment env, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers,
                  Function<Map<String, Object>, TopicIds> topicIds, Function<ApiClientSettings, LtxApiClient> clients,
                  Function<Map<String, Object>, Producer<String, byte[]>> producers,
                  Function<CallbackReceivers.Settings, CallbackReceivers.Lease> receivers) {
        this.receivers = receivers;
        this.env = env;
        this.clock = env::currentTimeMillis;
        this.consumers = consumers;
        this.topicIds = topicIds;
        this.clients = clients;
        this.producers = producers;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        long started = System.nanoTime();
        LtxSourceTaskConfig config = new LtxSourceTaskConfig(props);
        String name = props.getOrDefault("name", "ltx-source");
        int index = config.placement().index();
        String trackingTopic = config.trackingTopic();
        try {
            client = clients.apply(config.apiClientSettings(config.placement().share()));
            metrics = SourceTaskMetrics.register(name, index, context, client.stats(), this::outstanding, this::trackingPaused);
            if (!config.partitions().isEmpty()) {
                reader = new TrackingReader(trackingTopic, consumers.apply(TrackingReader.consumerProps(config, name + "-tracking-reader-" + index)),
                        config.maxOutstanding());
                reader.load(config.partitions(), context.offsetStorageReader()); // the seek waits for the first poll
                trackingTopicIds = topicIds.apply(config.trackingClientProps());
            }
            events = new EventFactory(config.eventsTopic(), trackingTopic, reader);
            StatusPoller poller = StatusPoller.of(client, config);
            if (reader != null) {
                poller.wakeWith(reader::wakeup); // answers end the wait for tracking records
            }
            follower = new TaskFollower(new PollPlanner(PollSchedule.from(config), config.taskTimeout()),
                    poller,
                    new OutcomeRules(config.notFoundGrace(), config.malformedMax(), config.taskTimeout(), config.callbackConfirm()));
            archive = ArchiveConfig.enabled(config) ? archiveStage(config, name, index) : null;
            registry = new RequestRegistry(config.taskTimeout(), follower, archive == null ? events : archive, metrics,
                    retries(config, name, index));
            if (reader != null) {
                reader.heldRecords(registry::heldBelow);
            }
            receiver = config.callbackEnabled() ? receivers.apply(CallbackReceivers.Settings.from(config)) : null;
        } catch (RuntimeException e) {
            closeQuietly();
            throw e instanceof ConnectException ce ? ce : new ConnectException("Source task failed to start: " + e.getMessage(), e);
        }
        follower.checkApiKey();
        log.info("LTX source task {}/{} started in {} ms: tracking {} partitions {} (their progress is restored on the first poll), "
                        + "events to {}, schedule {}, "
                        + "{} status calls/min, at most {} concurrent, at most {} requests outstanding, callback receiver {}, archive {}",
                index + 1, config.placement().count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), trackingTopic,
                config.partitions(), config.eventsTopic(),
                config.callbackEnabled() ? "safety-net every " + config.safetyPollInterval().toMillis() + " ms" : config.pollSchedule(),
                Math.round(client.settings().callsPerMinute()), config.maxConcurrentPolls(), config.maxOutstanding(),
                receiver == null ? "off" : "on " + receiver.address(), archive == null ? "off" : archive);
    }

    /** Retries of failed tasks: RETRY records through a producer of the task's own (none when no fail code is retried). */
    private Retries retries(LtxSourceTaskConfig config, String name, int index) {
        RetryConfig.Settings settings = config.retries();
        if (!settings.enabled() || config.partitions().isEmpty()) {
            return Retries.NONE;
        }
        retryWriter = new TrackingWriter(config.trackingTopic(), producers.apply(TrackingClients.producerProps(config.trackingClientProps(),
                name + "-retries-" + index)), env);
        Retries retries = new Retries(settings, config.taskTimeout(), (record, partition) -> retryWriter.write(record, null, partition),
                metrics::retryAsked);
        metrics.retries(retries::waiting);
        return retries;
    }

    /** The archive stage between the registry and the events: its own S3 and download clients and transfer threads. */
    private ArchiveStage archiveStage(LtxSourceTaskConfig config, String name, int index) {
        ArchiveSettings settings = ArchiveConfig.settings(config);
        ArchiveStage stage = new ArchiveStage(events, Archiver.start(settings, metrics, "ltx-archive-" + name + "-" + index), settings);
        metrics.archiveQueue(stage::queued, stage::full);
        return stage;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        pollLock.lock();
        try {
            if (stopping || !restored()) {
                return null;
            }
            long now = clock.getAsLong();
            // A full archive queue holds the input: no status answers handled, no calls made, no tracking records read.
            boolean holding = archive != null && archive.full();
            int answered = holding ? 0 : followUp(now);
            int read = 0;
            for (TrackingReader.Read r : readInput(holding, now)) {
                registry.onRecord(r, clock.getAsLong());
                read++;
            }
            now = clock.getAsLong();
            registry.expireIntents(now);
            registry.expireRetries(now);
            answered += holding ? 0 : followUp(now);
            answered += archive == null ? 0 : archive.drain(clock.getAsLong());
            if (reader != null) {
                reader.backpressure(registry.outstanding() + (archive == null ? 0 : archive.queued()), now);
            }
            List<SourceRecord> out = events.drain();
            if (read > 0 || answered > 0 || !out.isEmpty()) {
                log.debug("Poll: {} tracking records, {} status answers, {} events; {} requests outstanding, {} calls in flight",
                        read, answered, out.size(), registry.outstanding(), follower.callsInFlight());
            }
            return out.isEmpty() ? null : out;
        } finally {
            pollLock.unlock();
        }
    }

    /** True once the tracking partitions are at their stored progress (trying it now if not yet), or when there are none. */
    private boolean restored() throws InterruptedException {
        return reader == null || reader.restored() || restore();
    }

    /**
     * Seeks the tracking partitions to the stored progress: done on the first poll rather than in {@link #start}, so a
     * tracking cluster that cannot answer right then delays the task instead of failing it for good. False, after a
     * WARN and a short pause, while it cannot answer (Kafka's retriable errors); anything else fails the task.
     */
    private boolean restore() throws InterruptedException {
        long started = System.nanoTime();
        restoreAttempts++;
        try {
            reader.seek(trackingTopicIds);
        } catch (WakeupException woken) {
            return false; // stopping, or a status answer woke the consumer: the next poll tries again
        } catch (RetriableException e) {
            log.warn("Cannot restore the progress on the tracking partitions yet (attempt {}, the tracking cluster did not answer: {}); "
                    + "trying again in {} ms, nothing is read or emitted meanwhile", restoreAttempts, e.toString(), RESTORE_BACKOFF_MS);
            env.sleep(RESTORE_BACKOFF_MS);
            return false;
        } catch (KafkaException e) {
            throw e instanceof ConnectException ce ? ce : new ConnectException("Cannot restore the progress on the tracking partitions: "
                    + e, e);
        }
        log.info("Tracking partitions restored at watermarks {} in {} ms (attempt {})", reader.watermarks(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), restoreAttempts);
        return true;
    }

    private List<TrackingReader.Read> readTracking(long waitMs) throws InterruptedException {
        if (reader != null) {
            return reader.poll(waitMs);
        }
        env.sleep(waitMs); // no partition: this task only hosts the callback receiver
        return List.of();
    }

    private int followUp(long now) {
        return follower.followUp(now, (task, outcome) -> registry.complete(task, outcome, clock.getAsLong()));
    }

    /** The tracking records that arrive within the wait; none, after a short sleep, while the archive queue is full. */
    private List<TrackingReader.Read> readInput(boolean holding, long now) throws InterruptedException {
        if (archive == null) {
            return readTracking(follower.waitMillis(now));
        }
        if (holding) {
            env.sleep(ArchiveStage.WAIT_MS);
            return List.of();
        }
        return readTracking(archive.waitMillis(follower.waitMillis(now)));
    }

    /** The progress on each tracking partition now (the in-memory watermarks; the committed ones follow with the next event). */
    Map<Integer, Long> watermarks() {
        TrackingReader r = reader;
        return r == null ? Map.of() : r.watermarks();
    }

    private int outstanding() {
        RequestRegistry r = registry;
        return r == null ? 0 : r.outstanding();
    }

    private boolean trackingPaused() {
        TrackingReader r = reader;
        return r != null && r.paused();
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        stopping = true;
        TrackingReader r = reader;
        if (r != null) {
            r.wakeup();
        }
        boolean locked = false;
        try {
            locked = pollLock.tryLock(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int left = outstanding();
            Object watermarks = r == null ? "{}" : r.watermarks();
            closeQuietly();
            log.info("LTX source task stopped in {} ms; {} requests were outstanding; progress watermarks {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), left, watermarks);
        } finally {
            if (locked) {
                pollLock.unlock();
            }
        }
    }

    private void closeQuietly() {
        if (archive != null) {
            archive.close();
            archive = null;
        }
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        if (retryWriter != null) {
            retryWriter.close();
            retryWriter = null;
        }
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }
}
