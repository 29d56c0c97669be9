package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingTopicScan;
import org.apache.kafka.clients.consumer.Consumer;
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
import java.util.function.Supplier;

/**
 * Rebuilds a task's spend, and the API tasks it has submitted, from the tracking topic. Records
 * name their connector; the sink also tags each SUBMITTED record with its task index
 * ({@link #tags}). At start-up a task with spend caps reads the tracking topic from
 * {@link SpendBudget#lookback()} ago to its current end and sums what its connector may have been
 * billed, its own and the other tasks' apart: each SUBMITTED request's duration once, plus once
 * more for every earlier attempt it names (a create that may exist without an answer), and those
 * of a REJECTED request. Requests served by the duplicate guard cost nothing.
 */
final class BudgetHistory {
    private static final Logger log = LoggerFactory.getLogger(BudgetHistory.class);

    static final String TASK_HEADER = "ltx.sink.task";
    /** Producer and broker clocks may differ a little from the submit time in the record. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private BudgetHistory() {
    }

    /** The header that attributes a SUBMITTED record to a task of its connector. */
    static Headers tags(int taskIndex) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TASK_HEADER, Integer.toString(taskIndex).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The usage found: this task's and the connector's other tasks'; the tasks this one created; all created tasks. */
    record Found(List<SpendBudget.Usage> own, List<SpendBudget.Usage> others, Map<String, Long> ownTasks, List<TrackingRecord> created,
                 long recordsRead, long millis) {
    }

    /**
     * Reads the connector's records of the last {@code lookback}; with {@code keepCreated}, also
     * returns its SUBMITTED records of new tasks, for the duplicate guard.
     */
    static Found read(Supplier<Consumer<byte[], byte[]>> consumers, String topic, String connector, int taskIndex,
                      Duration lookback, long nowMs, Duration timeout, boolean keepCreated) {
        long started = System.nanoTime();
        Collector c = new Collector(connector, Integer.toString(taskIndex), keepCreated);
        TrackingTopicScan.Result result;
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            result = TrackingTopicScan.readSince(consumer, topic, nowMs - lookback.plus(SKEW).toMillis(), timeout,
                    "Reading the spend of the last " + lookback.toHours() + " h from tracking topic " + topic, c::accept);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Found(c.own, c.others, c.ownTasks, c.created, Math.max(0, result.records()), result.topicExists() ? millis : 0);
    }

    private static final class Collector {
        final String connector;
        final String myTask;
        final boolean keepCreated;
        final List<SpendBudget.Usage> own = new ArrayList<>();
        final List<SpendBudget.Usage> others = new ArrayList<>();
        final Map<String, Long> ownTasks = new HashMap<>();
        final List<TrackingRecord> created = new ArrayList<>();

        Collector(String connector, String myTask, boolean keepCreated) {
            this.connector = connector;
            this.myTask = myTask;
            this.keepCreated = keepCreated;
        }

        void accept(ConsumerRecord<byte[], byte[]> r) {
            TrackingRecord record = decode(r);
            if (record == null || !connector.equals(record.connector()) || record.isReused()) {
                return;
            }
            int seconds = new SinkRequest(null, null, null, record.input(), null).seconds();
            int copies = record.earlierAttempts().size() + (record.type() == TrackingRecordType.SUBMITTED ? 1 : 0);
            if (record.type() == TrackingRecordType.INTENT || record.type() == TrackingRecordType.CALLBACK || copies == 0) {
                return;
            }
            boolean mine = myTask.equals(header(r.headers(), TASK_HEADER));
            (mine ? own : others).add(new SpendBudget.Usage(record.time(), seconds * copies));
            if (record.type() == TrackingRecordType.SUBMITTED) {
                if (keepCreated) {
                    created.add(record);
                }
                if (mine && record.taskId() != null) {
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
