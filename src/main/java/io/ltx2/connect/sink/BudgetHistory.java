package io.ltx2.connect.sink;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingTopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a task's spend, and the API tasks it has submitted, from the tracking topic. Records
 * name their connector; the sink also tags each SUBMITTED and REJECTED record with its task index
 * ({@link #tags}). A read sums, by task index, what the connector may have been billed
 * ({@link #billable}): each SUBMITTED request's duration once, plus once more for every earlier
 * attempt it names (a create that may exist without an answer), and those of a REJECTED request.
 * Requests served by the duplicate guard cost nothing. A full read (no spend checkpoint yet) counts
 * every record since its start; a read after checkpoints counts, per task index, only the records
 * stamped at or after that index's checkpoint.
 */
final class BudgetHistory {
    private static final Logger log = LoggerFactory.getLogger(BudgetHistory.class);

    static final String TASK_HEADER = "ltx.sink.task";
    /** Producer and broker clocks may differ a little from the submit time in the record. */
    static final Duration SKEW = Duration.ofMinutes(5);

    private BudgetHistory() {
    }

    /** The header that attributes a SUBMITTED record to a task of its connector. */
    static Headers tags(int taskIndex) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TASK_HEADER, Integer.toString(taskIndex).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /**
     * The spend found: this task's, and each other task index's (key: its index, "" for records
     * without one); the tasks this one created; all created tasks.
     */
    record Found(SpendBuckets own, Map<String, SpendBuckets> others, Map<String, Long> ownTasks, List<TrackingRecord> created,
                 long recordsRead, long millis) {
    }

    /**
     * Seconds of video a SUBMITTED or REJECTED record says may be billed: the request's duration for
     * its own create, and once more for each earlier attempt it names; nothing for other records and
     * for a request served by the duplicate guard.
     */
    static int billable(TrackingRecordType type, GenerationInput input, int earlierAttempts, boolean reused) {
        int copies = earlierAttempts + (type == TrackingRecordType.SUBMITTED ? 1 : 0);
        if (reused || copies == 0 || (type != TrackingRecordType.SUBMITTED && type != TrackingRecordType.REJECTED)) {
            return 0;
        }
        return new SinkRequest(null, null, null, input, null).seconds() * copies;
    }

    /**
     * Besides the spend, what a read keeps: the connector's SUBMITTED records of new tasks written
     * since {@code createdSince} (the duplicate guard), this task's task ids submitted since
     * {@code ownTasksSince} (the concurrency cap); {@link Long#MAX_VALUE} for none.
     */
    record Keep(long createdSince, long ownTasksSince) {
        static final Keep NOTHING = new Keep(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Reads the connector's records written since {@code fromTime} (minus a margin for clocks);
     * with {@code since} (task index to time), only the records of an index stamped at or after its
     * time count as spend, else all of them.
     */
    static Found read(TrackingFeed feed, String connector, int taskIndex, long fromTime, Map<String, Long> since, Duration timeout,
                      Keep keep) {
        long started = System.nanoTime();
        Collector c = new Collector(connector, Integer.toString(taskIndex), since, keep);
        TrackingTopicScan.Result result = feed.scan(feed.topic(), fromTime - SKEW.toMillis(), timeout, "Reading the spend since "
                + java.time.Instant.ofEpochMilli(fromTime) + " from tracking topic " + feed.topic(), c::accept);
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Found(c.own, c.others, c.ownTasks, c.created, Math.max(0, result.records()), result.topicExists() ? millis : 0);
    }

    private static final class Collector {
        final String connector;
        final String myTask;
        /** Null for a full read. */
        final Map<String, Long> since;
        final Keep keep;
        final SpendBuckets own = new SpendBuckets();
        final Map<String, SpendBuckets> others = new HashMap<>();
        final Map<String, Long> ownTasks = new HashMap<>();
        final List<TrackingRecord> created = new ArrayList<>();

        Collector(String connector, String myTask, Map<String, Long> since, Keep keep) {
            this.connector = connector;
            this.myTask = myTask;
            this.since = since;
            this.keep = keep;
        }

        void accept(ConsumerRecord<byte[], byte[]> r) {
            TrackingRecord record = decode(r);
            if (record == null || !connector.equals(record.connector()) || record.isReused()) {
                return;
            }
            int seconds = billable(record.type(), record.input(), record.earlierAttempts().size(), false);
            if (seconds == 0) {
                return;
            }
            String tag = header(r.headers(), TASK_HEADER);
            boolean mine = myTask.equals(tag);
            if (since == null || record.time() >= since.getOrDefault(tag == null ? "" : tag, Long.MIN_VALUE)) {
                (mine ? own : others.computeIfAbsent(tag == null ? "" : tag, k -> new SpendBuckets())).add(record.time(), seconds);
            }
            if (record.type() == TrackingRecordType.SUBMITTED) {
                if (record.time() >= keep.createdSince()) {
                    created.add(record);
                }
                if (mine && record.taskId() != null && record.time() >= keep.ownTasksSince()) {
                    ownTasks.put(record.taskId(), record.time());
                }
            }
        }

        private static TrackingRecord decode(ConsumerRecord<byte[], byte[]> r) {
            try {
                return TrackingRecordCodec.decode(r.value());
            } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
                log.debug("Skipping unreadable tracking record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                return null;
            }
        }

        private static String header(Headers headers, String name) {
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }
}
