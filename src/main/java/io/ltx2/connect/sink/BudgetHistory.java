package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingTopicScan;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
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
 * Rebuilds a task's spend, and the API tasks it has submitted, from the tracking topic. The sink tags each SUBMITTED record it writes
 * with two headers, the connector name and the task index ({@link #tags}); at start-up a task with
 * spend caps reads the tracking topic from {@link SpendBudget#lookback()} ago to its current end
 * and sums the durations of its connector's SUBMITTED records, its own and the other tasks'
 * apart. Records without the headers (written before caps existed, or by another connector) are
 * not counted.
 */
final class BudgetHistory {
    private static final Logger log = LoggerFactory.getLogger(BudgetHistory.class);

    static final String CONNECTOR_HEADER = "ltx.connector";
    static final String TASK_HEADER = "ltx.sink.task";
    /** On a SUBMITTED record of a request served with an earlier task's result (duplicate guard): not billed, not running. */
    static final String REUSED_HEADER = "ltx.sink.reused";
    /** Producer and broker clocks may differ a little from the submit time in the record. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private BudgetHistory() {
    }

    /** The headers that attribute a SUBMITTED record to a connector and task. */
    static Headers tags(String connector, int taskIndex) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CONNECTOR_HEADER, connector.getBytes(StandardCharsets.UTF_8));
        headers.add(TASK_HEADER, Integer.toString(taskIndex).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The tags of a SUBMITTED record that reuses an earlier task's result. */
    static Headers reusedTags(String connector, int taskIndex) {
        Headers headers = tags(connector, taskIndex);
        headers.add(REUSED_HEADER, "true".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The usage found: this task's and the connector's other tasks'. */
    record Found(List<SpendBudget.Usage> own, List<SpendBudget.Usage> others, Map<String, Long> ownTasks, List<TrackingRecord> created,
                 long recordsRead, long millis) {
    }

    /**
     * Reads the connector's SUBMITTED records of the last {@code lookback} (those reusing an earlier
     * result excluded); with {@code keepCreated}, also returns them all, for the duplicate guard.
     */
    static Found read(Supplier<Consumer<byte[], byte[]>> consumers, String topic, String connector, int taskIndex,
                      Duration lookback, long nowMs, Duration timeout, boolean keepCreated) {
        long started = System.nanoTime();
        List<SpendBudget.Usage> own = new ArrayList<>();
        List<SpendBudget.Usage> others = new ArrayList<>();
        Map<String, Long> ownTasks = new HashMap<>();
        List<TrackingRecord> created = new ArrayList<>();
        String myTask = Integer.toString(taskIndex);
        long read;
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            read = TrackingTopicScan.readSince(consumer, topic, nowMs - lookback.plus(SKEW).toMillis(), timeout,
                    "Reading the spend of the last " + lookback.toHours() + " h from tracking topic " + topic, r -> {
                        if (!connector.equals(header(r.headers(), CONNECTOR_HEADER))) {
                            return;
                        }
                        TrackingRecord record = submitted(r);
                        if (record == null || header(r.headers(), REUSED_HEADER) != null) {
                            return;
                        }
                        if (keepCreated) {
                            created.add(record);
                        }
                        Integer duration = record.input() == null ? null : record.input().duration();
                        // The sink always sends a duration; if a record lacks one, count the most it could have cost.
                        SpendBudget.Usage usage = new SpendBudget.Usage(record.time(), duration == null ? ContractLimits.DURATION_MAX : duration);
                        if (myTask.equals(header(r.headers(), TASK_HEADER))) {
                            own.add(usage);
                            if (record.taskId() != null) {
                                ownTasks.put(record.taskId(), record.time());
                            }
                        } else {
                            others.add(usage);
                        }
                    }).records();
        }
        if (read < 0) {
            return new Found(own, others, ownTasks, created, 0, 0);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Found(own, others, ownTasks, created, read, millis);
    }

    private static TrackingRecord submitted(ConsumerRecord<byte[], byte[]> r) {
        TrackingRecord record;
        try {
            record = TrackingRecordCodec.decode(r.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            log.debug("Skipping unreadable tracking record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
        return record.type() == TrackingRecordType.SUBMITTED ? record : null;
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
