package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.SourceCoordinates;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingTopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What earlier owners of a partition did with the records Connect hands out again after a restart
 * or rebalance: the sink's guarantee bookkeeping against paying twice. It looks requests up by
 * their identity (this connector, the record's original coordinates), never by request id.
 *
 * <p>Only records at or after a partition's last committed offset are redelivered, and their
 * tracking records were written after those records were produced. So when a partition is newly
 * assigned, the first batch that reaches it triggers one bounded scan of the tracking topic: from
 * the earliest timestamp of the partition's redelivered records minus
 * {@code ltx.sink.dedup.lookback.ms} to the topic's current end. Per request it finds:
 * <ul>
 *   <li>{@link Verdict#HANDLED}: a SUBMITTED or REJECTED record (DRY_RUN ones only while this
 *   connector is itself in dry run: a dry run is a preview): skip it;</li>
 *   <li>{@link Verdict#ADOPT}: none of those, but a CALLBACK naming it: an earlier owner's create made
 *   that task and was never answered. The task is adopted with a SUBMITTED record (marked adopted), so
 *   that it counts against the spend caps and the source follows it even after letting the request's
 *   INTENTs go; nothing is created;</li>
 *   <li>{@link Verdict#ORPHANED}: INTENT records without any of those (and not WITHDRAWN): a create that may exist on
 *   the API side without a durable answer (a crash between the create and its SUBMITTED record);
 *   the request is submitted again (or, with callbacks, waits to adopt the task) and its event
 *   names those attempts;</li>
 *   <li>{@link Verdict#NEW}: nothing: submit it.</li>
 * </ul>
 * Entries are dropped as the matching records go past, so it only ever holds the redelivered range.
 * A record naming another id of the input topic than the request's was written for a deleted topic of
 * the same name (same coordinates, another request); records without a topic id (older versions) match.
 * Used from the task thread only.
 */
final class PriorAttempts {
    private static final Logger log = LoggerFactory.getLogger(PriorAttempts.class);

    enum Verdict { NEW, HANDLED, ORPHANED, ADOPT }

    /**
     * What is known of one request: {@code attempts} are its INTENTs whose create may exist (ORPHANED);
     * {@code lastAttempt} the highest attempt number earlier owners used, so numbering goes on after it;
     * {@code scanEnds} where the scan that looked the request up stopped reading the tracking topic
     * (what it did not see comes after that: a follower of the request's records starts there), null if none;
     * {@code taskId} the task to adopt (ADOPT), else null;
     * {@code trackingPartition} the tracking partition its records are on (its later ones go there too), null if none was seen;
     * {@code lifecycle} what its records say (null: none were read), which the request's later records extend.
     */
    record Found(Verdict verdict, List<Attempt> attempts, int lastAttempt, Map<TopicPartition, Long> scanEnds, String taskId,
                 Integer trackingPartition, RequestLifecycle lifecycle) {
        static final Found NEW = new Found(Verdict.NEW, List.of(), 0, null);

        Found(Verdict verdict, List<Attempt> attempts, int lastAttempt, Map<TopicPartition, Long> scanEnds) {
            this(verdict, attempts, lastAttempt, scanEnds, null, null, null);
        }

        /** What its records say, to be extended by the later ones: the lifecycle read, else one without records. */
        RequestLifecycle history() {
            return lifecycle != null ? lifecycle : new RequestLifecycle(false);
        }
    }

    private final String connector;
    private final String trackingTopic;
    private final TrackingFeed feed;
    private final Duration lookback;
    private final Duration timeout;
    private final boolean dryRun;
    private final Set<TopicPartition> unscanned = new HashSet<>();
    /** Per request (its identity without a topic id), the records the scan read of it, in order. */
    private final Map<RequestIdentity, List<Read>> found = new HashMap<>();
    /** Per input partition, where the scan that covered it stopped reading. */
    private final Map<TopicPartition, Map<TopicPartition, Long>> scanEnds = new HashMap<>();
    private long lastScanRecords = -1;

    /** A record the scan read, and the tracking partition it was on. */
    private record Read(TrackingRecord record, int partition) {
        /** Whether it may be of the request of input topic id {@code topicId}: records of older versions, which name none, are. */
        boolean of(String topicId) {
            String id = record.identity().topicId();
            return topicId == null || id == null || id.equals(topicId);
        }
    }

    PriorAttempts(String connector, TrackingFeed feed, Duration lookback, Duration timeout, boolean dryRun) {
        this.connector = connector;
        this.trackingTopic = feed.topic();
        this.feed = feed;
        this.lookback = lookback;
        this.timeout = timeout;
        this.dryRun = dryRun;
    }

    void assigned(Collection<TopicPartition> partitions) {
        unscanned.addAll(partitions);
    }

    void revoked(Collection<TopicPartition> partitions) {
        unscanned.removeAll(partitions);
        partitions.forEach(scanEnds::remove);
        found.keySet().removeIf(id -> partitions.contains(new TopicPartition(id.topic(), id.partition())));
    }

    /** How many tracking records the last scan read (-1 before any, or when the topic did not exist): for logs and benchmarks. */
    long lastScanRecords() {
        return lastScanRecords;
    }

    /** What earlier owners did with this request; answers once per redelivered record. */
    Found lookUp(RequestIdentity identity) {
        List<Read> reads = found.remove(identity.withTopicId(null));
        if (reads == null) {
            return Found.NEW;
        }
        RequestLifecycle lifecycle = lifecycleOf(reads, identity.topicId());
        RequestLifecycle.Decision d = lifecycle.sinkDecision(0);
        Map<TopicPartition, Long> ends = scanEnds.get(new TopicPartition(identity.topic(), identity.partition()));
        return switch (d.verdict()) {
            case HANDLED -> new Found(Verdict.HANDLED, List.of(), d.lastAttempt(), ends, null, d.partition(), lifecycle);
            case ADOPT -> new Found(Verdict.ADOPT, d.open(), d.lastAttempt(), ends, d.adoptTask(), d.partition(), lifecycle);
            case ORPHANED -> new Found(Verdict.ORPHANED, d.open(), d.lastAttempt(), ends, null, d.partition(), lifecycle);
            case NEW -> new Found(Verdict.NEW, List.of(), d.lastAttempt(), ends, null, d.partition(), lifecycle);
        };
    }

    /**
     * Scans the tracking topic for the newly assigned partitions that appear in this batch.
     *
     * @throws org.apache.kafka.connect.errors.RetriableException when the scan cannot finish now; nothing of the batch is handled then
     */
    void prepare(Collection<SinkRecord> batch) {
        if (unscanned.isEmpty() || batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> firstOffset = new HashMap<>();
        long earliestTimestamp = Long.MAX_VALUE;
        for (SinkRecord record : batch) {
            SourceCoordinates c = RequestParser.coordinates(record);
            TopicPartition tp = new TopicPartition(c.topic(), c.partition());
            if (unscanned.contains(tp)) {
                firstOffset.merge(tp, c.offset(), Math::min);
                // No timestamp: the scan cannot be bounded, so it reads the whole tracking topic.
                long ts = record.timestamp() == null || record.timestamp() < 0 ? 0 : record.timestamp();
                earliestTimestamp = Math.min(earliestTimestamp, ts);
            }
        }
        if (!firstOffset.isEmpty()) {
            scan(firstOffset, Math.max(0, earliestTimestamp - lookback.toMillis()));
            unscanned.removeAll(firstOffset.keySet());
        }
    }

    private void scan(Map<TopicPartition, Long> firstOffset, long fromTimestamp) {
        long started = System.nanoTime();
        TrackingTopicScan.Result result = feed.scan(trackingTopic, fromTimestamp, timeout,
                "Scan of tracking topic " + trackingTopic + " for earlier attempts", r -> note(r, firstOffset));
        Map<TopicPartition, Long> ends = result.ends();
        firstOffset.keySet().forEach(tp -> scanEnds.put(tp, ends));
        lastScanRecords = result.records();
        if (!result.topicExists()) {
            log.info("Tracking topic {} does not exist yet: no earlier attempts for {}", trackingTopic, firstOffset.keySet());
            return;
        }
        Map<RequestLifecycle.Verdict, Long> verdicts = found.values().stream().collect(java.util.stream.Collectors.groupingBy(
                reads -> lifecycleOf(reads, null).sinkDecision(0).verdict(), java.util.stream.Collectors.counting()));
        log.info("Scanned {} tracking records of {} in {} ms for {} newly assigned partition(s): {} redelivered request(s) already "
                        + "handled will be skipped, {} have a create that may exist without an answer", result.records(), trackingTopic,
                (System.nanoTime() - started) / 1_000_000, firstOffset.size(), verdicts.getOrDefault(RequestLifecycle.Verdict.HANDLED, 0L),
                verdicts.getOrDefault(RequestLifecycle.Verdict.ORPHANED, 0L) + verdicts.getOrDefault(RequestLifecycle.Verdict.ADOPT, 0L));
    }

    /** The lifecycle of the reads of the request of input topic id {@code topicId} (null: of any). */
    private RequestLifecycle lifecycleOf(List<Read> reads, String topicId) {
        RequestLifecycle lifecycle = new RequestLifecycle(dryRun);
        reads.stream().filter(r -> r.of(topicId)).forEach(r -> lifecycle.fold(r.record(), r.partition()));
        return lifecycle;
    }

    private void note(ConsumerRecord<byte[], byte[]> r, Map<TopicPartition, Long> firstOffset) {
        TrackingRecord record;
        try {
            record = TrackingRecordCodec.decode(r.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            log.debug("Skipping unreadable tracking record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        RequestIdentity id = record.identity();
        if (id == null || !connector.equals(id.connector())) {
            return;
        }
        Long first = firstOffset.get(new TopicPartition(id.topic(), id.partition()));
        if (first == null || id.offset() < first) {
            return;
        }
        found.computeIfAbsent(id.withTopicId(null), k -> new ArrayList<>(2)).add(new Read(record, r.partition()));
    }
}
