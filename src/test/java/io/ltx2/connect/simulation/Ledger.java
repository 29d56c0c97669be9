package io.ltx2.connect.simulation;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened in a run, as the invariants need it: each request record (where it was written, and
 * whether the sink accepted it), every tracking record by request, every event, the times the sink's
 * workers were disturbed (crash, stop, rebalance), and what went wrong on the way.
 */
final class Ledger {
    /** A request record and where it landed. */
    static final class Input {
        final Schedule.Request spec;
        final String topicId;
        final int partition;
        final long offset;
        boolean accepted;

        Input(Schedule.Request spec, String topicId, int partition, long offset) {
            this.spec = spec;
            this.topicId = topicId;
            this.partition = partition;
            this.offset = offset;
        }
    }

    /** A tracking record as read from the topic. */
    record Tracked(TrackingRecord record, int partition, long offset, long atMs) {
    }

    /** An event the source emitted. */
    record Event(String prompt, Struct value, Headers headers, long atMs) {
    }

    final Map<String, Input> inputs = new LinkedHashMap<>();
    /** By input coordinates and topic id: {@code topicId/partition/offset}. */
    private final Map<String, Input> byCoordinates = new LinkedHashMap<>();
    final Map<String, List<Tracked>> tracking = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    final List<Long> disturbances = new ArrayList<>();
    final List<String> violations = new ArrayList<>();

    void written(Schedule.Request spec, String topicId, int partition, long offset) {
        Input in = new Input(spec, topicId, partition, offset);
        inputs.put(spec.prompt(), in);
        byCoordinates.put(topicId + "/" + partition + "/" + offset, in);
    }

    Input input(String topicId, int partition, long offset) {
        return byCoordinates.get(topicId + "/" + partition + "/" + offset);
    }

    /** The unreadable request record at these coordinates that has no event yet (its event echoes no input). */
    String unreadableAt(Integer partition, Long offset) {
        for (Input in : inputs.values()) {
            if (in.spec.kind() == Schedule.Kind.UNREADABLE && partition != null && offset != null && in.partition == partition
                    && in.offset == offset && events.stream().noneMatch(e -> e.prompt().equals(in.spec.prompt()))) {
                return in.spec.prompt();
            }
        }
        return "?unreadable@" + partition + "/" + offset;
    }

    /** A tracking record landed; records of requests the ledger cannot place are kept under their key. */
    void tracked(SimKafka.Rec rec, long nowMs) {
        TrackingRecord r;
        try {
            r = TrackingRecordCodec.decode(rec.value());
        } catch (RuntimeException e) {
            violations.add("unreadable tracking record at " + rec.partition() + "@" + rec.offset() + ": " + e.getMessage());
            return;
        }
        tracking.computeIfAbsent(promptOf(r), k -> new ArrayList<>()).add(new Tracked(r, rec.partition(), rec.offset(), nowMs));
    }

    /** The prompt of the request a tracking record belongs to: by its input echo, else by its identity; else its key. */
    String promptOf(TrackingRecord r) {
        if (r.input() != null && r.input().prompt() != null && inputs.containsKey(r.input().prompt())) {
            return r.input().prompt();
        }
        if (r.identity() != null) {
            for (Input in : inputs.values()) {
                if (in.partition == r.identity().partition() && in.offset == r.identity().offset()
                        && (r.identity().topicId() == null || r.identity().topicId().equals(in.topicId))) {
                    return in.spec.prompt();
                }
            }
        }
        return "?" + r.key();
    }

    List<Tracked> trackingOf(String prompt) {
        return tracking.getOrDefault(prompt, List.of());
    }

    /** Whether the request's outcome (SUBMITTED, or REJECTED but a dry run) is on the tracking topic. */
    boolean outcomeDurable(String prompt) {
        return trackingOf(prompt).stream().anyMatch(t -> t.record.type() == TrackingRecordType.SUBMITTED
                || t.record.type() == TrackingRecordType.REJECTED);
    }

    void violation(String what) {
        violations.add(what);
    }
}
