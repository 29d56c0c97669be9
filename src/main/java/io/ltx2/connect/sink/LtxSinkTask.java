package io.ltx2.connect.sink;

import io.ltx2.connect.config.LtxSinkTaskConfig;
import io.ltx2.connect.sink.report.TaskFailure;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request records into API tasks: the Connect lifecycle of a sink task, delegating each step to
 * its {@link SinkPipeline} (see there what a {@code put} does). The pipeline is built at {@code start},
 * or, while the tracking cluster cannot answer, at a later {@code put}: meanwhile nothing is read, sent
 * or committed.
 */
public class LtxSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(LtxSinkTask.class);

    /** How long Connect waits before handing a batch again while the task cannot start. */
    static final long START_BACKOFF_MS = 5_000;

    private final SinkClients clients;
    private LtxSinkTaskConfig config;
    /** Null until the task could start: the tracking cluster may not answer at {@link #start}. */
    private SinkPipeline pipeline;
    /** Partitions assigned before the task could start, opened once it does. */
    private final Set<TopicPartition> openedEarly = new LinkedHashSet<>();
    private int startAttempts;

    public LtxSinkTask() {
        this(SinkClients.REAL);
    }

    /** For tests: fake clients and clock. */
    LtxSinkTask(SinkClients clients) {
        this.clients = clients;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new LtxSinkTaskConfig(props);
        tryToStart();
    }

    /**
     * Builds the pipeline; false, after a WARN, while the tracking cluster cannot answer (Kafka's
     * retriable errors, time-outs): then nothing is read, sent or committed, and each {@code put}
     * tries again, so a cluster that is down for a while delays the task instead of failing it for
     * good. Anything else fails the task.
     */
    private boolean tryToStart() {
        long started = System.nanoTime();
        startAttempts++;
        try {
            pipeline = new SinkPipeline(config, context, clients);
        } catch (RuntimeException e) {
            if (!TaskFailure.isTransient(e)) {
                throw e;
            }
            log.warn("Cannot start yet (attempt {}): the tracking cluster did not answer ({}); nothing is read, sent or committed "
                    + "meanwhile, trying again in {} ms", startAttempts, e.getMessage(), START_BACKOFF_MS);
            return false;
        }
        log.info("Started LTX sink task {} of {} (version {}) in {} ms: {} requests, up to {} creates in flight, {} calls/min, tracking topic {}, "
                        + "rejected records {}, unreadable records {}", config.placement().index(), config.placement().count(), version(),
                (System.nanoTime() - started) / 1_000_000, config.requestType(), config.maxInFlight(),
                Math.round(pipeline.client().settings().callsPerMinute()), config.trackingTopic(),
                pipeline.dlqEnabled() ? "also to the dead letter queue" : "to the tracking topic only",
                config.toleratesErrors() ? "rejected" : "fail the task");
        if (!openedEarly.isEmpty()) {
            open(List.copyOf(openedEarly));
            openedEarly.clear();
        }
        return true;
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (pipeline == null) {
            openedEarly.addAll(partitions);
            return;
        }
        pipeline.open(partitions);
        log.info("Assigned {} partition(s): {}", partitions.size(), partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (pipeline == null && !tryToStart()) {
            context.timeout(START_BACKOFF_MS);
            throw new RetriableException("The sink task could not start yet: the tracking cluster did not answer");
        }
        pipeline.put(records, clients.clock().getAsLong());
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return pipeline == null ? Map.of() : pipeline.preCommit(currentOffsets); // not started: nothing was handled
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (pipeline == null) {
            openedEarly.removeAll(partitions);
            return;
        }
        int dropped = pipeline.close(partitions);
        log.info("Closed {} partition(s), {} queued request(s) left for the next owner", partitions.size(), dropped);
    }

    @Override
    public void stop() {
        if (pipeline != null) {
            pipeline.stop(System.nanoTime());
        }
    }

    /** The started task's pipeline, for tests and benchmarks; null before it could start. */
    SinkPipeline pipeline() {
        return pipeline;
    }
}
