package io.ltx2.connect.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.ApiErrorKind;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.LtxApiException;
import io.ltx2.connect.api.ResponseParser;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.callback.CallbackReceivers;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.util.Json;
import io.ltx2.connect.config.LtxSourceTaskConfig;
import io.ltx2.connect.util.Version;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Follows the tasks of its share of the tracking topic's partitions to their end and emits one
 * terminal event per request. Reads the tracking topic with its own consumer (manual assignment,
 * read_committed); the Connect source partition is a tracking partition and the source offset its
 * {@link PartitionProgress}, so the events and the progress commit together (in one transaction
 * with exactly-once source support).
 *
 * <p>All bookkeeping happens on the thread that calls {@link #poll()}; status answers arrive on
 * the HTTP client's thread and are handed over through a queue.
 */
public class LtxSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceTask.class);
    static final String PARTITION_TOPIC_KEY = "topic";
    static final String PARTITION_KEY = "partition";
    private static final long IDLE_WAIT_MS = 500;
    private static final long BUSY_WAIT_MS = 50;
    private static final int MAX_EARLY_CALLBACKS = 10_000;
    private static final int MAX_REMEMBERED_REQUESTS = 100_000;
    static final String KEY_CHECK_TASK_ID = "ltx2-kafka-connect-key-check";

    private final LongSupplier clock;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final ReentrantLock pollLock = new ReentrantLock();
    private volatile boolean stopping;
    private volatile ConnectException fatal;

    private LtxSourceTaskConfig config;
    private String trackingTopic;
    private String eventsTopic;
    private Consumer<byte[], byte[]> consumer;
    private LtxApiClient client;
    private PollSchedule schedule;
    private LtxSourceTaskMetrics metrics;
    private CallbackReceivers.Lease receiver;

    private final Map<Integer, PartitionProgress> progress = new HashMap<>();
    private final Map<Integer, Long> nextExpected = new HashMap<>();
    private final Map<String, OutstandingTask> byTaskId = new HashMap<>();
    private final Map<String, List<OutstandingTask>> byRequestId = new HashMap<>();
    private final TreeSet<OutstandingTask> due = new TreeSet<>(
            Comparator.comparingLong((OutstandingTask t) -> t.nextPollAt).thenComparing(OutstandingTask::taskId));
    private final Queue<StatusAnswer> answers = new ConcurrentLinkedQueue<>();
    /** CALLBACK records read before their SUBMITTED record (possible with a fast API): task id -> record. */
    private final Map<String, TrackingRecord> earlyCallbacks = new LinkedHashMap<>();
    /** Requests whose event this task emitted lately: a SUBMITTED record written again later (the sink's retry window) is skipped. */
    private final Map<String, Boolean> emittedRequests = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_REQUESTS;
        }
    };
    private int inFlight;

    private record StatusAnswer(OutstandingTask task, TaskStatus status, Throwable error) {
    }

    public LtxSourceTask() {
        this(System::currentTimeMillis, KafkaConsumer::new);
    }

    /** For tests: a clock and the tracking consumer's factory (given the consumer settings). */
    LtxSourceTask(LongSupplier clock, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory) {
        this.clock = clock;
        this.consumerFactory = consumerFactory;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        long started = System.nanoTime();
        config = new LtxSourceTaskConfig(props);
        trackingTopic = config.trackingTopic();
        eventsTopic = config.eventsTopic();
        schedule = PollSchedule.from(config);
        client = new LtxApiClient(ApiClientSettings.from(config, config.placement().share()));
        metrics = new LtxSourceTaskMetrics(() -> byTaskId.size(), client.stats());
        metrics.register(props.getOrDefault("name", "ltx-source"), config.placement().index());
        SourcePluginMetrics.register(context, metrics);
        try {
            List<Integer> partitions = config.partitions();
            if (!partitions.isEmpty()) {
                consumer = consumerFactory.apply(consumerProps(props.getOrDefault("name", "ltx-source")));
                restoreProgress(partitions);
            }
            if (config.callbackEnabled()) {
                receiver = CallbackReceivers.acquire(CallbackReceivers.Settings.from(config));
            }
        } catch (RuntimeException e) {
            closeQuietly();
            throw e instanceof ConnectException ce ? ce : new ConnectException("Source task failed to start: " + e.getMessage(), e);
        }
        checkApiKey();
        log.info("LTX source task {}/{} started in {} ms: tracking {} partitions {} at watermarks {}, events to {}, schedule {}, "
                        + "{} status calls/min, at most {} concurrent, callback receiver {}",
                config.placement().index() + 1, config.placement().count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                trackingTopic, config.partitions(), watermarks(), eventsTopic,
                config.callbackEnabled() ? "safety-net every " + config.safetyPollInterval().toMillis() + " ms" : config.pollSchedule(),
                Math.round(client.settings().callsPerMinute()), config.maxConcurrentPolls(),
                receiver == null ? "off" : "on " + receiver.address());
    }

    /**
     * One status call for a task id that cannot exist, so that a refused key fails the task at
     * start rather than at the first real poll (which may be long after). A 404 is the good answer.
     */
    private void checkApiKey() {
        client.getStatus(KEY_CHECK_TASK_ID).whenComplete((status, error) -> {
            Throwable e = error == null ? null : unwrap(error);
            if (e instanceof LtxApiException api && api.kind() == ApiErrorKind.AUTH) {
                fatal = authFailure(api);
            } else if (e != null) {
                log.debug("API key check: {}", e.getMessage());
            }
        });
    }

    private static ConnectException authFailure(LtxApiException e) {
        return new ConnectException("The API refused the status call (HTTP " + e.httpStatus() + "): check ltx.api.key. " + e.getMessage());
    }

    private Map<String, Object> consumerProps(String connectorName) {
        Map<String, Object> props = new HashMap<>(config.trackingClientProps());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, connectorName + "-tracking-reader-" + config.placement().index());
        return props;
    }

    private void restoreProgress(List<Integer> partitions) {
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(trackingTopic, p)).toList();
        consumer.assign(tps);
        List<Map<String, Object>> keys = partitions.stream().map(this::sourcePartition).toList();
        Map<Map<String, Object>, Map<String, Object>> stored = context.offsetStorageReader().offsets(keys);
        for (TopicPartition tp : tps) {
            Map<String, Object> offset = stored == null ? null : stored.get(sourcePartition(tp.partition()));
            PartitionProgress p;
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
                p = new PartitionProgress(consumer.position(tp, Duration.ofSeconds(30)));
            } else {
                try {
                    p = PartitionProgress.fromOffset(offset);
                } catch (IllegalArgumentException e) {
                    throw new ConnectException("Stored source offset of tracking partition " + tp + " is unreadable: " + e.getMessage()
                            + "; reset it with the REST API (PATCH or DELETE /connectors/<name>/offsets)");
                }
                consumer.seek(tp, p.watermark());
                Long logStart = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
                if (logStart != null && logStart > p.watermark()) {
                    log.warn("Tracking records {}..{} of {} were deleted (retention) before they were resolved: their requests get "
                            + "no event. Keep the tracking topic's retention well above ltx.task.timeout.ms.", p.watermark(), logStart - 1, tp);
                }
            }
            progress.put(tp.partition(), p);
            nextExpected.put(tp.partition(), p.watermark());
        }
    }

    Map<String, Object> sourcePartition(int partition) {
        Map<String, Object> m = new HashMap<>();
        m.put(PARTITION_TOPIC_KEY, trackingTopic);
        m.put(PARTITION_KEY, partition);
        return m;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        pollLock.lock();
        try {
            if (stopping) {
                return null;
            }
            if (fatal != null) {
                throw fatal;
            }
            List<SourceRecord> out = new ArrayList<>();
            int answered = handleAnswers(out);
            dispatchDue();
            int read = readTracking(out);
            answered += handleAnswers(out);
            dispatchDue();
            if (fatal != null) {
                throw fatal;
            }
            if (read > 0 || answered > 0 || !out.isEmpty()) {
                log.debug("Poll: {} tracking records, {} status answers, {} events; {} outstanding, {} calls in flight",
                        read, answered, out.size(), byTaskId.size(), inFlight);
            }
            return out.isEmpty() ? null : out;
        } finally {
            pollLock.unlock();
        }
    }

    /** Reads the tracking topic, waiting at most until the next status call is due. */
    private int readTracking(List<SourceRecord> out) throws InterruptedException {
        long wait = answers.isEmpty() ? (inFlight > 0 ? BUSY_WAIT_MS : IDLE_WAIT_MS) : 0;
        if (!due.isEmpty() && inFlight < config.maxConcurrentPolls()) {
            wait = Math.min(wait, Math.max(0, due.first().nextPollAt - clock.getAsLong()));
        }
        if (consumer == null) {
            Thread.sleep(wait);
            return 0;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(wait));
        } catch (WakeupException stopping) {
            return 0;
        }
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            handleTrackingRecord(rec, out);
            n++;
        }
        // Offsets that hold no record (transaction markers) are resolved as soon as we are past them.
        for (TopicPartition tp : consumer.assignment()) {
            try {
                resolveGap(tp.partition(), consumer.position(tp, Duration.ofMillis(100)));
            } catch (WakeupException | org.apache.kafka.common.errors.TimeoutException later) {
                // Not known right now: the next poll resolves the gap.
            }
        }
        return n;
    }

    private void resolveGap(int partition, long upTo) {
        long from = nextExpected.getOrDefault(partition, upTo);
        if (upTo > from) {
            progress.get(partition).resolveRange(from, upTo);
            nextExpected.put(partition, upTo);
        }
    }

    void handleTrackingRecord(ConsumerRecord<byte[], byte[]> rec, List<SourceRecord> out) {
        int partition = rec.partition();
        PartitionProgress p = progress.get(partition);
        resolveGap(partition, rec.offset());
        nextExpected.put(partition, rec.offset() + 1);
        if (p.isResolved(rec.offset())) {
            log.debug("Tracking record {}@{} was resolved before the restart: skipped", partition, rec.offset());
            return;
        }
        TrackingRecord record;
        try {
            record = TrackingRecordCodec.decode(rec.value());
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            log.warn("Skipping tracking record {}-{}@{}: {}", trackingTopic, partition, rec.offset(), e.getMessage());
            p.resolve(rec.offset());
            return;
        }
        if (record.type() != TrackingRecordType.CALLBACK && emittedRequests.containsKey(TerminalEvent.requestIdOf(record))) {
            log.debug("{} record {}@{} for request {} whose event was already emitted: skipped", record.type(), partition,
                    rec.offset(), TerminalEvent.requestIdOf(record));
            p.resolve(rec.offset());
            return;
        }
        long now = clock.getAsLong();
        switch (record.type()) {
            case SUBMITTED -> onSubmitted(record, partition, rec.offset(), now, out);
            case REJECTED -> {
                p.resolve(rec.offset());
                emit(out, partition, record, TerminalEvent.rejected(record, now), null, now);
            }
            case CALLBACK -> onCallback(record, partition, rec.offset(), now, out);
        }
    }

    private void onSubmitted(TrackingRecord record, int partition, long offset, long now, List<SourceRecord> out) {
        PartitionProgress p = progress.get(partition);
        if (record.taskId() == null || record.taskId().isBlank()) {
            log.warn("SUBMITTED record {}@{} of request {} has no task id: skipped", partition, offset, record.requestId());
            p.resolve(offset);
            return;
        }
        OutstandingTask following = byTaskId.get(record.taskId());
        if (following != null && following.partition == partition
                && !TerminalEvent.requestIdOf(following.record).equals(TerminalEvent.requestIdOf(record))) {
            // The sink's duplicate guard served another request with this task's result: it resolves with it.
            log.debug("Request {} reuses task {} (request {})", record.requestId(), record.taskId(), following.record.requestId());
            following.reusers.add(new OutstandingTask.Reuser(record, offset));
            return;
        }
        if (following != null) {
            log.debug("Duplicate SUBMITTED record {}@{} for task {}: skipped", partition, offset, record.taskId());
            p.resolve(offset);
            return;
        }
        OutstandingTask task = new OutstandingTask(record, partition, offset, record.time() + config.taskTimeout().toMillis());
        byTaskId.put(record.taskId(), task);
        List<OutstandingTask> siblings = byRequestId.computeIfAbsent(TerminalEvent.requestIdOf(record), k -> new ArrayList<>(1));
        if (!siblings.isEmpty()) {
            log.warn("Request {} was submitted again as task {} (earlier: {}); only the first outcome is emitted",
                    record.requestId(), record.taskId(), siblings.get(0).taskId());
        }
        siblings.add(task);
        TrackingRecord early = earlyCallbacks.remove(record.taskId());
        long first = Math.min(schedule.firstPoll(record.input(), record.time()), task.deadline);
        task.nextPollAt = Math.max(now, first);
        due.add(task);
        if (early != null) {
            applyCallback(task, early, now, out);
        }
    }

    private void onCallback(TrackingRecord record, int partition, long offset, long now, List<SourceRecord> out) {
        metrics.callbacks.incrementAndGet();
        OutstandingTask task = record.taskId() == null ? null : byTaskId.get(record.taskId());
        if (task == null || task.partition != partition) {
            // Unknown, already resolved, or not yet seen: nothing to keep this offset for.
            progress.get(partition).resolve(offset);
            if (record.taskId() != null) {
                if (earlyCallbacks.size() >= MAX_EARLY_CALLBACKS) {
                    earlyCallbacks.remove(earlyCallbacks.keySet().iterator().next());
                }
                earlyCallbacks.put(record.taskId(), record);
            }
            log.debug("CALLBACK {}@{} for task {} that is not outstanding", partition, offset, record.taskId());
            return;
        }
        task.callbackOffsets.add(offset);
        applyCallback(task, record, now, out);
    }

    private void applyCallback(OutstandingTask task, TrackingRecord callback, long now, List<SourceRecord> out) {
        if (!config.callbackConfirm()) {
            TaskStatus status = parseCallback(callback);
            if (status != null && status.state().isTerminal()) {
                onStatus(task, status, now, out);
                return;
            }
        }
        // One confirming status call now (the vendor signs nothing, so the body alone is not trusted).
        if (task.inFlight) {
            task.confirmPending = true;
        } else {
            reschedule(task, now);
        }
    }

    private TaskStatus parseCallback(TrackingRecord callback) {
        if (callback.callbackBody() == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(callback.callbackBody());
            JsonNode data = node.has("data") && node.get("data").isObject() ? node.get("data") : node;
            return ResponseParser.status(data, 200);
        } catch (Exception e) {
            log.debug("Callback body of task {} unreadable ({}); confirming with a status call", callback.taskId(), e.getMessage());
            return null;
        }
    }

    private void reschedule(OutstandingTask task, long at) {
        due.remove(task);
        task.nextPollAt = at;
        due.add(task);
    }

    private void dispatchDue() {
        long now = clock.getAsLong();
        while (inFlight < config.maxConcurrentPolls() && !due.isEmpty() && due.first().nextPollAt <= now) {
            OutstandingTask task = due.pollFirst();
            task.finalPoll = now >= task.deadline;
            task.confirmPending = false;
            task.inFlight = true;
            task.polls++;
            inFlight++;
            client.getStatus(task.taskId()).whenComplete((status, error) -> answers.add(new StatusAnswer(task, status, error)));
        }
    }

    private int handleAnswers(List<SourceRecord> out) {
        int n = 0;
        StatusAnswer a;
        while ((a = answers.poll()) != null) {
            n++;
            inFlight--;
            OutstandingTask task = a.task();
            task.inFlight = false;
            if (task.resolved) {
                continue;
            }
            long now = clock.getAsLong();
            if (a.error() != null) {
                onError(task, unwrap(a.error()), now, out);
            } else {
                onStatus(task, a.status(), now, out);
            }
        }
        return n;
    }

    private void onStatus(OutstandingTask task, TaskStatus status, long now, List<SourceRecord> out) {
        task.malformed = 0;
        if (status.state().isTerminal()) {
            Long generation = status.createTime() != null && status.completeTime() != null
                    ? Long.valueOf(status.completeTime() - status.createTime()) : status.costTime();
            if (generation != null) {
                schedule.observe(task.record.input(), generation);
            }
            emitResolved(out, task, TerminalEvent.fromStatus(task.record, status, now), status.completeTime(), now);
        } else if (task.finalPoll) {
            timeout(task, now, out, "still " + status.rawState());
        } else {
            planNext(task, now);
        }
    }

    private void onError(OutstandingTask task, Throwable error, long now, List<SourceRecord> out) {
        if (!(error instanceof LtxApiException e)) {
            log.warn("Status call for {} failed unexpectedly; will retry", task, error);
            afterFailedCall(task, now, out, error.toString());
            return;
        }
        switch (e.kind()) {
            case AUTH -> fatal = authFailure(e);
            case NOT_FOUND -> {
                if (now - task.record.time() >= config.notFoundGrace().toMillis()) {
                    emitResolved(out, task, TerminalEvent.failed(task.record, TerminalEvent.NOT_FOUND,
                            "The API does not know task " + task.taskId() + " (HTTP 404 for longer than "
                                    + config.notFoundGrace().toMillis() + " ms after submission)", now), null, now);
                } else {
                    log.debug("{}: 404 within the grace period", task);
                    afterFailedCall(task, now, out, e.getMessage());
                }
            }
            case MALFORMED_RESPONSE, BAD_REQUEST -> {
                task.malformed++;
                if (task.malformed >= config.malformedMax()) {
                    emitResolved(out, task, TerminalEvent.failed(task.record, TerminalEvent.MALFORMED_RESPONSE,
                            task.malformed + " unreadable status answers in a row; last: " + e.getMessage(), now), null, now);
                } else {
                    log.warn("{}: unreadable status answer {} of {} allowed: {}", task, task.malformed, config.malformedMax(), e.getMessage());
                    afterFailedCall(task, now, out, e.getMessage());
                }
            }
            default -> {
                log.warn("{}: status call failed after the client's retries: {}", task, e.getMessage());
                afterFailedCall(task, now, out, e.getMessage());
            }
        }
    }

    private void afterFailedCall(OutstandingTask task, long now, List<SourceRecord> out, String why) {
        if (task.finalPoll) {
            timeout(task, now, out, "last status call failed: " + why);
        } else {
            planNext(task, now);
        }
    }

    private void planNext(OutstandingTask task, long now) {
        long next = task.confirmPending ? now : Math.min(schedule.nextPoll(task.record.input(), task.record.time(), now), task.deadline);
        reschedule(task, Math.max(now, next));
    }

    private void timeout(OutstandingTask task, long now, List<SourceRecord> out, String detail) {
        emitResolved(out, task, TerminalEvent.failed(task.record, TerminalEvent.TIMEOUT, "Task " + task.taskId()
                + " unfinished " + config.taskTimeout().toMillis() + " ms after submission (" + detail + ")", now), null, now);
    }

    private void emitResolved(List<SourceRecord> out, OutstandingTask task, Struct event, Long completeTime, long now) {
        List<OutstandingTask> siblings = byRequestId.remove(TerminalEvent.requestIdOf(task.record));
        for (OutstandingTask t : siblings == null ? List.of(task) : siblings) {
            t.resolved = true;
            due.remove(t);
            byTaskId.remove(t.taskId());
            PartitionProgress tp = progress.get(t.partition);
            tp.resolve(t.offset);
            t.callbackOffsets.forEach(tp::resolve);
            t.reusers.forEach(r -> tp.resolve(r.offset()));
        }
        log.debug("{} resolved as {} after {} status calls", task, event.getString("state"), task.polls);
        emit(out, task.partition, task.record, event, completeTime, now);
        for (OutstandingTask t : siblings == null ? List.of(task) : siblings) {
            for (OutstandingTask.Reuser r : t.reusers) {
                emit(out, t.partition, r.record(), TerminalEvent.reusing(event, r.record()), completeTime, now);
            }
        }
    }

    private void emit(List<SourceRecord> out, int partition, TrackingRecord record, Struct event, Long completeTime, long now) {
        String requestId = event.getString("requestId");
        emittedRequests.put(requestId, Boolean.TRUE);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(TerminalEvent.HEADER_REQUEST_ID, requestId);
        if (record.taskId() != null) {
            headers.addString(TerminalEvent.HEADER_TASK_ID, record.taskId());
        }
        out.add(new SourceRecord(sourcePartition(partition), progress.get(partition).toOffset(), eventsTopic, null,
                TerminalEvent.KEY_SCHEMA, requestId, TerminalEvent.SCHEMA, event, now, headers));
        metrics.recordEvent(event.getString("state"), completeTime, now);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private Map<Integer, Long> watermarks() {
        Map<Integer, Long> w = new java.util.TreeMap<>();
        progress.forEach((p, prog) -> w.put(p, prog.watermark()));
        return w;
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        stopping = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        boolean locked = false;
        try {
            locked = pollLock.tryLock(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int left = byTaskId.size();
            closeQuietly();
            log.info("LTX source task stopped in {} ms; {} tasks were outstanding; progress watermarks {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), left, watermarks());
        } finally {
            if (locked) {
                pollLock.unlock();
            }
        }
    }

    private void closeQuietly() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing the tracking consumer", e);
            }
            consumer = null;
        }
        if (client != null) {
            client.close();
        }
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
