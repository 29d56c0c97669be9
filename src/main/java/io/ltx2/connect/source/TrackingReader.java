package io.ltx2.connect.source;

import io.ltx2.connect.config.LtxSourceConfig;
import io.ltx2.connect.tracking.KafkaAccess;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.tracking.TrackingClients;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingRecordCodec.MalformedTrackingRecordException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the task's tracking partitions with its own consumer (manual assignment, read_committed)
 * and keeps each partition's {@link PartitionProgress}: restored from Connect's offsets
 * ({@link ProgressRestore}: read at start, sought to once the tracking cluster answers),
 * advanced over offsets that hold no record (transaction markers, compacted), and written into
 * every event's offset. Reading pauses while the registry holds more than
 * {@code ltx.source.max.outstanding} requests, and resumes below {@value #RESUME_PERCENT}% of it,
 * so a large backlog never sits in the heap at once.
 */
final class TrackingReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackingReader.class);
    private static final Duration POSITION_TIMEOUT = Duration.ofMillis(100);
    static final int RESUME_PERCENT = 80;
    /** Longest the broker holds a fetch of tracking records to gather a batch (16 KiB, about 60 records). */
    static final Duration MAX_FETCH_WAIT = Duration.ofMillis(250);

    /**
     * A tracking record to handle, where it is, and the request it belongs to: null for a
     * callback that names none (matched by its task id).
     */
    record Read(TrackingOffset at, TrackingRecord record, RequestIdentity identity) {

        static Read of(String topic, TrackingOffset at, TrackingRecord record) {
            return new Read(at, record, identityOf(topic, at, record));
        }

        /** Version 1 records have no connector: their coordinates alone name the request. */
        private static RequestIdentity identityOf(String topic, TrackingOffset at, TrackingRecord r) {
            RequestIdentity id = r.identity();
            if (id != null) {
                return id;
            }
            if (r.source() != null) {
                return new RequestIdentity("", r.source().topic(), r.source().partition(), r.source().offset());
            }
            // A record without coordinates (none is written so) is a request of its own.
            return r.type() == TrackingRecordType.CALLBACK ? null : new RequestIdentity("", topic, at.partition(), at.offset());
        }
    }

    /** Names the outstanding requests that hold records of a partition below an offset (the registry knows them). */
    @FunctionalInterface
    interface HeldRecords {
        List<RequestIdentity> below(int partition, long offset);
    }

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final int maxOutstanding;
    private final int resumeBelow;
    private final Map<Integer, PartitionProgress> progress = new TreeMap<>();
    private final ProgressRestore restore;
    private boolean restored;
    /** Per partition, the next offset a record is expected at: offsets skipped up to the position hold no record. */
    private final Map<Integer, Long> nextExpected = new HashMap<>();
    private boolean backlogFull;
    private long pausedSince;
    private HeldRecords held = (partition, offset) -> List.of();

    TrackingReader(String topic, Consumer<byte[], byte[]> consumer, int maxOutstanding) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.restore = new ProgressRestore(topic, consumer);
        this.maxOutstanding = maxOutstanding;
        this.resumeBelow = (int) ((long) maxOutstanding * RESUME_PERCENT / 100);
    }

    /** Who to ask which requests' records a watermark passed over (for the WARN; none by default). */
    void heldRecords(HeldRecords held) {
        this.held = Objects.requireNonNull(held, "held");
    }

    /**
     * At start, without the tracking cluster: assigns the partitions and reads their stored progress
     * (Connect's offsets). Nothing is read until {@link #seek} succeeded.
     *
     * @throws ConnectException when a stored offset is unreadable
     */
    void load(List<Integer> partitions, OffsetStorageReader offsets) {
        restore.load(partitions, offsets);
    }

    /**
     * Seeks each partition to its stored progress ({@link ProgressRestore#seek}). Needs the tracking
     * cluster; may be called again until it succeeds.
     *
     * @throws org.apache.kafka.common.errors.RetriableException (a TimeoutException, say) while the cluster cannot tell
     * @throws ConnectException when the topic or one of the partitions does not exist
     */
    void seek(TopicIds topicIds) {
        restore.seek(topicIds).forEach((partition, p) -> {
            progress.put(partition, p);
            nextExpected.put(partition, p.watermark());
        });
        restored = true;
    }

    /** True once {@link #seek} succeeded: the partitions are read from then on. */
    boolean restored() {
        return restored;
    }

    /**
     * How long the broker may hold a fetch of tracking records to gather a batch: a quarter of the
     * earliest first status call after a submission (the adaptive schedule's minimum interval or the
     * fixed schedule's initial delay), at most {@link #MAX_FETCH_WAIT}. The first call is planned from
     * the record's submit time, so a record read that much later is followed as if read at once; at
     * the API's ceiling records arrive one create at a time, and the reader then wakes once per batch
     * instead of once per record. Zero with callbacks: a CALLBACK record is a finished task whose
     * event should not wait for a batch.
     */
    static Duration fetchWait(LtxSourceConfig config) {
        if (config.callbackEnabled()) {
            return Duration.ZERO;
        }
        Duration first = config.pollSchedule() == LtxSourceConfig.Schedule.FIXED ? config.fixedInitialDelay() : config.minPollInterval();
        Duration quarter = first.dividedBy(4);
        return quarter.compareTo(MAX_FETCH_WAIT) < 0 ? quarter : MAX_FETCH_WAIT;
    }

    /** The tracking consumer's settings: batching fetches ({@link #fetchWait}) unless they may not wait. */
    static Map<String, Object> consumerProps(LtxSourceConfig config, String clientId) {
        Duration wait = fetchWait(config);
        return wait.isZero() ? TrackingClients.consumerProps(config.trackingClientProps(), clientId)
                : TrackingClients.batchingFollowerProps(config.trackingClientProps(), clientId, wait);
    }

    /** Reads what arrived within {@code waitMs}: the records not yet resolved, decoded. */
    List<Read> poll(long waitMs) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(waitMs));
        } catch (WakeupException stopping) {
            return List.of();
        } catch (AuthorizationException denied) {
            throw KafkaAccess.explain(denied, "Read", topic);
        }
        List<Read> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            int partition = rec.partition();
            PartitionProgress p = progress.get(partition);
            resolveGap(partition, rec.offset());
            nextExpected.put(partition, rec.offset() + 1);
            if (p.isResolved(rec.offset())) {
                log.debug("Tracking record {}@{} was resolved before the restart: skipped", partition, rec.offset());
                continue;
            }
            try {
                out.add(Read.of(topic, new TrackingOffset(partition, rec.offset()), TrackingRecordCodec.decode(rec.value())));
            } catch (MalformedTrackingRecordException e) {
                log.warn("Skipping tracking record {}-{}@{}: {}", topic, partition, rec.offset(), e.getMessage());
                resolveRange(partition, rec.offset(), rec.offset() + 1);
            }
        }
        // Offsets that hold no record (transaction markers, compacted records) are resolved once we are past them.
        for (TopicPartition tp : consumer.assignment()) {
            try {
                resolveGap(tp.partition(), consumer.position(tp, POSITION_TIMEOUT));
            } catch (WakeupException | TimeoutException later) {
                // Not known right now: the next poll resolves the gap.
            }
        }
        return out;
    }

    private void resolveGap(int partition, long upTo) {
        long from = nextExpected.getOrDefault(partition, upTo);
        if (upTo > from) {
            resolveRange(partition, from, upTo);
            nextExpected.put(partition, upTo);
        }
    }

    void resolve(TrackingOffset at) {
        resolveRange(at.partition(), at.offset(), at.offset() + 1);
    }

    /** Resolves {@code [from, to)}; says so when that took the watermark past records of outstanding requests (beyond the span). */
    private void resolveRange(int partition, long from, long to) {
        PartitionProgress p = progress.get(partition);
        long watermark = p.watermark();
        long passedOver = p.resolveRange(from, to);
        if (passedOver > 0) {
            List<RequestIdentity> requests = held.below(partition, p.watermark());
            log.warn("Tracking offsets {}..{} of {}-{} reach more than {} offsets above the watermark {} (a gap without records: "
                    + "deleted by retention, say): the watermark moves to {}, over {} offsets not yet resolved, records of {} "
                    + "outstanding requests {}. Their events still go out when they resolve, but a restart before that does not read "
                    + "their records again (after retention they are deleted anyway). Keep the tracking topic's retention well above "
                    + "ltx.task.timeout.ms.", from, to - 1, topic, partition, PartitionProgress.MAX_SPAN,
                    watermark, p.watermark(), passedOver, requests.size(), requests.size() > 10 ? requests.subList(0, 10) + "..." : requests);
        }
    }

    /** The Connect source offset of a partition now. */
    Map<String, Object> sourceOffset(int partition) {
        return progress.get(partition).toOffset();
    }

    /**
     * Pauses fetching while {@code outstanding} is above the maximum, until it is below the low
     * mark; and any partition whose resolved offsets span nearly {@link PartitionProgress#MAX_SPAN}.
     */
    void backpressure(int outstanding, long now) {
        if (!backlogFull && outstanding > maxOutstanding) {
            backlogFull = true;
            pausedSince = now;
            log.info("Pausing the tracking topic: {} requests outstanding, more than ltx.source.max.outstanding = {}", outstanding,
                    maxOutstanding);
        } else if (backlogFull && outstanding < resumeBelow) {
            backlogFull = false;
            log.info("Resuming the tracking topic after {} ms: {} requests outstanding", now - pausedSince, outstanding);
        }
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition tp : consumer.assignment()) {
            boolean hold = backlogFull || progress.get(tp.partition()).nearSpanLimit();
            if (hold && !paused.contains(tp)) {
                pause.add(tp);
            } else if (!hold && paused.contains(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** True while reading is paused because too many requests are outstanding. */
    boolean paused() {
        return backlogFull;
    }

    Map<Integer, Long> watermarks() {
        Map<Integer, Long> w = new TreeMap<>();
        progress.forEach((p, prog) -> w.put(p, prog.watermark()));
        return w;
    }

    /** Interrupts a poll in progress (from another thread, when the task stops). */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("Closing the tracking consumer", e);
        }
    }
}
