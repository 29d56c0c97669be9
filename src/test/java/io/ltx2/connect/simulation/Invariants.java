package io.ltx2.connect.simulation;

import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The guarantees, checked once a run settled (docs/guarantees.md, docs/delivery-semantics.md):
 * every accepted request ends as exactly one event, which reports a task of its own; every task the
 * API made for a request is counted on its event; no attempt that provably made nothing is named;
 * no request gets two successful tasks unless a crash or a lost answer orphaned one in polling mode
 * (in callback mode: unless every callback of the orphan was lost); every tracking partition's
 * progress reaches its end; no task failed; no thread died. The ledger adds what it saw on the way
 * (input offsets committed before their outcome was durable).
 */
final class Invariants {
    private static final Set<String> AMBIGUOUS = Set.of("dropped", "late", "502-after", "500-before");

    private final World w;
    private final List<String> violations = new ArrayList<>();

    Invariants(World w) {
        this.w = w;
    }

    List<String> check(SourceWorker source, SinkWorker sink) {
        w.time.uncaught().forEach(t -> violations.add("uncaught on a task thread: " + t));
        violations.addAll(w.ledger.violations);
        for (Ledger.Input in : w.ledger.inputs.values()) {
            if (!expected(in)) {
                continue;
            }
            String k = in.spec.prompt();
            List<Ledger.Event> events = w.ledger.events.stream().filter(e -> e.prompt().equals(k)).toList();
            if (events.size() != 1) {
                violations.add(k + ": " + events.size() + " events (" + in.spec + "; " + story(k) + ")");
                continue;
            }
            checkEvent(k, events.get(0).value());
        }
        checkProgress(source);
        checkSecrets();
        checkOnePartition();
        sink.slots().stream().filter(s -> s.running() && !s.context.paused.isEmpty()).forEach(s -> violations.add("sink task " + s.index
                + " still pauses " + s.context.paused + " though the API takes work again"));
        return violations;
    }

    /** Every tracking record of a request is on the partition of its first: one source task reads them all, in order. */
    private void checkOnePartition() {
        w.ledger.tracking.forEach((k, records) -> {
            if (!k.startsWith("?") && records.stream().map(Ledger.Tracked::partition).distinct().count() > 1) {
                violations.add(k + ": its tracking records are on several partitions: " + describe(k));
            }
        });
    }

    /** Neither the API key nor the callback token (which the API echoes in its errors and failMsgs) is on any topic. */
    private void checkSecrets() {
        List<String> secrets = List.of(World.API_KEY, World.CALLBACK_TOKEN);
        for (int p = 0; p < w.kafka.partitionCount(World.TRACKING); p++) {
            for (SimKafka.Rec r : w.kafka.partition(World.TRACKING, p)) {
                String text = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                secrets.stream().filter(text::contains).findFirst().ifPresent(s -> violations.add("a secret is on the tracking topic: "
                        + text.replace(s, "<" + s + ">")));
            }
        }
        for (Ledger.Event e : w.ledger.events) {
            String text = e.value() + " " + e.headers();
            secrets.stream().filter(text::contains).findFirst().ifPresent(s -> violations.add("a secret is in the event of " + e.prompt()));
        }
    }

    /** A request the connectors must answer: accepted by the sink, or still on the input topic as it is now. */
    private boolean expected(Ledger.Input in) {
        return in.accepted || in.topicId.equals(w.kafka.topic(SinkWorker.INPUT).id);
    }

    private void checkEvent(String k, Struct e) {
        List<VirtualApi.Task> tasks = w.api.tasks().values().stream().filter(t -> t.prompt.equals(k)).toList();
        String taskId = e.getString("taskId");
        int named = e.getInt32("earlierAttempts") == null ? 0 : e.getInt32("earlierAttempts");
        int reported = taskId == null ? 0 : 1;
        if (taskId != null && tasks.stream().noneMatch(t -> t.id.equals(taskId))) {
            violations.add(k + ": its event reports task " + taskId + ", which the API made for another request");
        }
        if (tasks.size() > reported + named) {
            violations.add(k + ": the API made " + tasks.size() + " tasks " + ids(tasks) + " but its event names " + (reported + named)
                    + " (task " + taskId + ", earlierAttempts " + named + "; " + story(k) + ")");
        }
        boolean ambiguous = ambiguous(k);
        if (!ambiguous && !disturbed(k) && reported + named > tasks.size()) {
            violations.add(k + ": its event names " + (reported + named) + " possibly billed attempts (attempt " + e.getInt32("attempt")
                    + ", earlierAttempts " + named + ") but the API made " + tasks.size() + " task(s) and every other create was refused; "
                    + story(k));
        }
        List<VirtualApi.Task> successes = tasks.stream().filter(t -> t.failCode == null && t.finishAt <= w.time.millis() - VirtualTime.EPOCH_MILLIS)
                .toList();
        if (successes.size() > 1) {
            boolean excused = w.schedule.callbacks ? tasks.stream().anyMatch(t -> t.callbacksDelivered == 0) : ambiguous || disturbed(k);
            if (!excused) {
                violations.add(k + ": " + successes.size() + " successful tasks " + ids(successes) + " ("
                        + (w.schedule.callbacks ? "callback mode, every orphan called back" : "no crash or lost answer orphaned one") + "; "
                        + story(k) + ")");
            }
        }
    }

    private boolean ambiguous(String k) {
        return w.api.creates().stream().anyMatch(c -> c.prompt().equals(k) && AMBIGUOUS.contains(c.answer()));
    }

    /**
     * Whether a sink worker was crashed, stopped or rebalanced while an attempt of the request had its INTENT out and no
     * answer (SUBMITTED, REJECTED) or WITHDRAWN record yet: that attempt may have been on the wire, so naming it is right.
     */
    private boolean disturbed(String k) {
        List<Ledger.Tracked> records = w.ledger.trackingOf(k);
        for (long d : w.ledger.disturbances) {
            for (Ledger.Tracked intent : records) {
                if (intent.record().type() == TrackingRecordType.INTENT && intent.atMs() <= d && !settled(records, intent, d)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the attempt of {@code intent} was answered or withdrawn by time {@code d}. */
    private static boolean settled(List<Ledger.Tracked> records, Ledger.Tracked intent, long d) {
        Integer n = intent.record().attempt();
        for (Ledger.Tracked t : records) {
            if (t.atMs() > d || t.offset() <= intent.offset() && t.partition() == intent.partition()) {
                continue;
            }
            TrackingRecordType type = t.record().type();
            boolean ofIt = t.record().attempt() == null || t.record().attempt().equals(n);
            if (ofIt && (type == TrackingRecordType.SUBMITTED || type == TrackingRecordType.REJECTED || type == TrackingRecordType.WITHDRAWN)) {
                return true;
            }
        }
        return false;
    }

    private void checkProgress(SourceWorker source) {
        Map<Integer, Long> marks = source.watermarks();
        for (int p = 0; p < w.kafka.partitionCount(World.TRACKING); p++) {
            long end = w.kafka.partition(World.TRACKING, p).size();
            Long mark = marks.get(p);
            if (mark == null) {
                violations.add("tracking partition " + p + " is followed by no running source task");
                continue;
            }
            if (mark < end) {
                SimKafka.Rec stuck = w.kafka.partition(World.TRACKING, p).get(mark.intValue());
                violations.add("tracking partition " + p + " progress stopped at " + mark + " of " + end + " (record there: "
                        + new String(stuck.value(), java.nio.charset.StandardCharsets.UTF_8) + ")");
            }
        }
    }

    /** The request's creates as the API saw them, and its tracking records as they landed. */
    private String story(String k) {
        StringBuilder b = new StringBuilder("creates:");
        w.api.creates().stream().filter(c -> c.prompt().equals(k)).forEach(c -> b.append(' ').append(c.at()).append("ms:").append(c.node())
                .append(':').append(c.answer()).append(c.taskId() == null ? "" : "=" + c.taskId()));
        b.append("; tracking: ").append(describe(k)).append("; events:");
        w.ledger.events.stream().filter(e -> e.prompt().equals(k)).forEach(e -> b.append(' ').append(e.atMs() - VirtualTime.EPOCH_MILLIS)
                .append("ms:").append(e.value().getString("state")).append('(').append(e.value().getString("taskId")).append(",attempt=")
                .append(e.value().getInt32("attempt")).append(",adopted=").append(e.value().getBoolean("adopted")).append(')'));
        return b.toString();
    }

    private String describe(String k) {
        StringBuilder b = new StringBuilder();
        for (Ledger.Tracked t : w.ledger.trackingOf(k)) {
            b.append(t.record().type()).append(t.record().attempt() == null ? "" : "#" + t.record().attempt())
                    .append(t.record().taskId() == null ? "" : "(" + t.record().taskId() + ")").append('@').append(t.partition()).append('/')
                    .append(t.offset()).append('[').append(t.atMs() - VirtualTime.EPOCH_MILLIS).append("ms] ");
        }
        return b.toString().trim();
    }

    private static List<String> ids(List<VirtualApi.Task> tasks) {
        return tasks.stream().map(t -> t.id).toList();
    }
}
