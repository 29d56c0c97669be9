package io.ltx2.connect.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.SimulatorStats;
import io.ltx2.connect.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The books of one fault test: what went in (request ids), what the API saw (the simulator's
 * counters) and what came out (a {@code read_committed} read of the events topic). Every row of
 * the reliability suite is counted here, the same way, and printed as one table row that the
 * docs quote ({@code target/reliability-figures.md}).
 */
public final class PipelineLedger {
    private static final Logger log = LoggerFactory.getLogger(PipelineLedger.class);
    public static final Path FIGURES = Path.of("target", "reliability-figures.md");
    public static final String HEADER = "| row | requests in | tasks created | duplicate submissions | attempts named on events "
            + "| duplicates not named | terminal events | duplicate events | lost | success / failed / rejected | peak API calls/min | s |";

    public final String row;
    public final int requestsIn;
    public final long tasksCreated;
    public final long duplicateSubmissions;
    public final int terminalEvents;
    public final int duplicateEvents;
    public final Set<String> lost;
    public final Map<String, Integer> byState;
    public final Map<String, Integer> failCodes;
    public final long peakCallsPerMinute;
    public final SimulatorStats stats;
    public final Map<String, JsonNode> lastEventByRequest;
    public final double seconds;
    /** Tasks created for a request beyond its first that its event does not name as earlier attempts. */
    public int unlabelledDuplicates;
    /** Earlier attempts named on the events: creates that may exist without a SUBMITTED record. */
    public int labelledAttempts;
    private final List<String> unlabelledExamples = new ArrayList<>();

    private PipelineLedger(String row, Collection<String> requestIds, SimulatorStats stats, List<Map.Entry<String, JsonNode>> events, double seconds) {
        this.row = row;
        this.requestsIn = requestIds.size();
        this.stats = stats;
        this.tasksCreated = stats.tasksCreated();
        this.duplicateSubmissions = stats.duplicateSubmissions();
        this.peakCallsPerMinute = stats.peakCallsInWindow();
        this.seconds = seconds;
        Set<String> wanted = new LinkedHashSet<>(requestIds);
        Map<String, Integer> perRequest = new HashMap<>();
        Map<String, Integer> states = new TreeMap<>();
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, JsonNode> last = new HashMap<>();
        int terminal = 0;
        for (Map.Entry<String, JsonNode> e : events) {
            if (!wanted.contains(e.getKey())) {
                continue;
            }
            terminal++;
            perRequest.merge(e.getKey(), 1, Integer::sum);
            states.merge(e.getValue().path("state").asText(), 1, Integer::sum);
            JsonNode code = e.getValue().path("failCode");
            if (!code.isMissingNode() && !code.isNull()) {
                codes.merge(code.asText(), 1, Integer::sum);
            }
            last.put(e.getKey(), e.getValue());
        }
        this.terminalEvents = terminal;
        this.duplicateEvents = perRequest.values().stream().mapToInt(n -> n - 1).sum();
        Set<String> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(perRequest.keySet());
        this.lost = missing;
        this.byState = states;
        this.failCodes = codes;
        this.lastEventByRequest = last;
    }

    /**
     * Reads the events topic from the start until every request has an event or {@code timeout}
     * passes, then {@code linger} longer so late duplicates are counted too.
     */
    public static PipelineLedger settle(String row, long startedNanos, ApiSimulator sim, String bootstrap, String eventsTopic,
                                 Collection<String> requestIds, Duration timeout, Duration linger) throws IOException {
        return settle(row, startedNanos, sim, bootstrap, eventsTopic, requestIds, timeout, linger, prompt -> null);
    }

    /** As above; {@code requestOfPrompt} maps a task's prompt to its request (record), to count duplicates not named on their event. */
    public static PipelineLedger settle(String row, long startedNanos, ApiSimulator sim, String bootstrap, String eventsTopic,
                                 Collection<String> requestIds, Duration timeout, Duration linger, Function<String, String> requestOfPrompt)
            throws IOException {
        Set<String> wanted = new LinkedHashSet<>(requestIds);
        List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(eventsTopic).stream()
                    .map(i -> new TopicPartition(eventsTopic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Set<String> seen = new java.util.HashSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            long stopAt = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, stopAt)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = r.value() == null ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.value().getBytes(StandardCharsets.UTF_8));
                    String request = recordOf(value);
                    events.add(Map.entry(request, value));
                    seen.add(request);
                }
                if (stopAt == Long.MAX_VALUE && seen.containsAll(wanted)) {
                    stopAt = System.nanoTime() + linger.toNanos();
                }
            }
        }
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        PipelineLedger ledger = new PipelineLedger(row, wanted, sim.stats(), events, seconds);
        ledger.countUnlabelled(requestOfPrompt);
        ledger.print();
        return ledger;
    }

    /**
     * The request an event is about: the record it was read from ({@code topic-partition-offset}),
     * since request ids are labels that may repeat.
     */
    public static String recordOf(JsonNode event) {
        return event.path("sourceTopic").asText() + "-" + event.path("sourcePartition").asInt() + "-" + event.path("sourceOffset").asLong();
    }

    public String tableRow() {
        return String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d / %d / %d | %d | %.0f |", row, requestsIn, tasksCreated,
                duplicateSubmissions, labelledAttempts, unlabelledDuplicates, terminalEvents, duplicateEvents, lost.size(),
                byState.getOrDefault("success", 0),
                byState.getOrDefault("failed", 0), byState.getOrDefault("rejected", 0), peakCallsPerMinute, seconds);
    }

    private void print() {
        String line = tableRow();
        log.info("LEDGER {}  fail codes {}; faults: {} injected 5xx, {} 429, {} hangs, {} create answers lost, {} callbacks lost, {} duplicated",
                line, failCodes, stats.injectedErrors(), stats.rateLimited(), stats.hangs(), stats.lostCreateResponses(),
                stats.callbacksLost(), stats.callbacksDuplicated());
        if (duplicateSubmissions > 0) {
            Map<String, List<String>> byPrompt = new TreeMap<>();
            stats.tasks().values().forEach(t -> byPrompt.computeIfAbsent(String.valueOf(t.input().prompt()), k -> new ArrayList<>())
                    .add(t.taskId() + "@" + t.createTime()));
            byPrompt.values().removeIf(l -> l.size() < 2);
            log.info("LEDGER {}: submitted more than once: {}", row, byPrompt.entrySet().stream().limit(10).toList());
        }
        try {
            Files.createDirectories(FIGURES.getParent());
            if (!Files.exists(FIGURES)) {
                Files.writeString(FIGURES, HEADER + "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n", StandardCharsets.UTF_8);
            }
            Files.writeString(FIGURES, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Could not append to {}", FIGURES, e);
        }
    }

    public int count(String state) {
        return byState.getOrDefault(state, 0);
    }

    /** Invariants 1 and 3: every request has exactly one terminal event. */
    public PipelineLedger assertExactlyOneEventPerRequest() {
        assertThat(lost).as(row + ": requests without a terminal event").isEmpty();
        assertThat(duplicateEvents).as(row + ": duplicate events (exactly-once source is on)").isZero();
        assertThat(terminalEvents).as(row + ": terminal events").isEqualTo(requestsIn);
        return this;
    }

    /**
     * Counts the tasks created for a request beyond its first that its event does not name as
     * earlier attempts ({@code earlierAttempts}); {@code requestOfPrompt} maps a task's prompt to the
     * request (record) it was made for, null when unknown.
     */
    private void countUnlabelled(Function<String, String> requestOfPrompt) {
        Map<String, Integer> tasks = new HashMap<>();
        stats.tasks().values().forEach(t -> {
            String request = requestOfPrompt.apply(String.valueOf(t.input().prompt()));
            if (request != null) {
                tasks.merge(request, 1, Integer::sum);
            }
        });
        int unlabelled = 0;
        for (Map.Entry<String, Integer> e : tasks.entrySet()) {
            JsonNode event = lastEventByRequest.get(e.getKey());
            int labelled = event == null || event.path("earlierAttempts").isNull() ? 0 : event.path("earlierAttempts").asInt();
            int extra = Math.max(0, e.getValue() - 1 - labelled);
            if (extra > 0 && unlabelledExamples.size() < 5) {
                unlabelledExamples.add(e.getKey() + ": " + e.getValue() + " tasks, earlierAttempts " + labelled);
            }
            unlabelled += extra;
        }
        unlabelledDuplicates = unlabelled;
        labelledAttempts = lastEventByRequest.values().stream().mapToInt(e -> e.path("earlierAttempts").asInt(0)).sum();
    }

    /**
     * Invariant 2's promise about the window: every task created for a request beyond its first is
     * named on the request's event, so every possible second charge is visible.
     */
    public PipelineLedger assertEveryDuplicateLabelled() {
        assertThat(unlabelledDuplicates).as(row + ": duplicate tasks not named on their request's event " + unlabelledExamples).isZero();
        return this;
    }

    /** Invariant 2: duplicate submissions, bounded by what the documented window allows in this row. */
    public PipelineLedger assertDuplicateSubmissionsAtMost(long bound) {
        assertThat(duplicateSubmissions).as(row + ": duplicate submissions").isLessThanOrEqualTo(bound);
        return this;
    }
}
