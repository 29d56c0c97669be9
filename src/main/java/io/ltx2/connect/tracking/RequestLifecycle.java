package io.ltx2.connect.tracking;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One request's lifecycle: the fold of its tracking records (INTENT, WITHDRAWN, SUBMITTED, REJECTED,
 * CALLBACK, RETRY), in the order they were written. Pure: no I/O, no clock. Both connectors decide
 * from it: what the sink does with a record handed out again or a RETRY ({@link #sinkDecision}),
 * which attempts may have made, and billed, a task and so must be named ({@link #possibleAttempts}).
 * The rules are docs/delivery-semantics.md's; this is the one place that holds them.
 *
 * <p>An attempt is one create of the request, numbered from 1, announced by its INTENT before it goes
 * on the wire. It may have made a task unless a WITHDRAWN record says it never left. An outcome
 * record (SUBMITTED or REJECTED) answers its own attempt, or, when it names none, the latest INTENT
 * before it (a rejection before any INTENT answers attempt 1).
 */
public final class RequestLifecycle {
    /** What the sink does with a request. */
    public enum Verdict {
        /** Nothing is known of the attempts in question: create the next one. */
        NEW,
        /** An attempt in question was answered (SUBMITTED or REJECTED): nothing to create. */
        HANDLED,
        /** Attempts in question may exist without an answer: wait for their answer (or callback), then create again naming them. */
        ORPHANED,
        /** A callback named a task no answer did: adopt it instead of creating (no second video). */
        ADOPT
    }

    /**
     * The sink's decision: {@code open} the attempts that may exist without an answer (ORPHANED, ADOPT), {@code lastAttempt}
     * the highest attempt number used (numbering goes on after it), {@code adoptTask} the task to adopt (ADOPT), {@code
     * adoptAttempt} the attempt that made it (null when unknown), {@code partition} the tracking partition of the request's
     * records (null when none was seen).
     */
    public record Decision(Verdict verdict, List<Attempt> open, int lastAttempt, String adoptTask, Integer adoptAttempt, Integer partition) {
    }

    private final boolean dryRun;
    // A source task holds one of these per outstanding request (100,000 and more): every collection is made at its first
    // use, and sets of attempt numbers (small positive ints) are BitSets.
    /** INTENTs by attempt number (withdrawn ones included: numbering goes on after them). */
    private TreeMap<Integer, Attempt> intents;
    private BitSet withdrawn;
    /** Tasks SUBMITTED records named (reused ones excepted). */
    private List<String> submittedTasks;
    /** The attempts of SUBMITTED records (an adopted task's may have no INTENT left to read), with their submit time. */
    private TreeMap<Integer, Attempt> submittedAttempts;
    /** Attempts answered by a SUBMITTED or (but a dry run's, unless in dry run) REJECTED record. */
    private BitSet answered;
    /** The REJECTED record that refused each attempt (a dry run's excluded): refused, so it made no task unless a record names it. */
    private TreeMap<Integer, TrackingRecord> refusals;
    /** Attempts the outcome records named as possibly billed besides their own. */
    private TreeMap<Integer, Attempt> named;
    /** Tasks a RETRY named as known to the source (older attempts'): a callback of one of them is never a new attempt's. */
    private Set<String> knownTasks;
    /** Tasks callbacks named, in order. */
    private LinkedHashSet<String> callbacks;
    /** Attempts after which a RETRY asked for a new one. */
    private BitSet retriesAfter;
    private Integer partition;

    /** @param dryRun whether the reader is itself in dry run (then a DRY_RUN rejection answers, as a preview answers a preview) */
    public RequestLifecycle(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** Whether {@code r} is a dry run's REJECTED record: a preview of what would be sent, not the request's outcome. */
    public static boolean isPreview(TrackingRecord r) {
        return r.type() == TrackingRecordType.REJECTED && FailCodes.DRY_RUN.equals(r.failCode());
    }

    /** A RequestLifecycle of the given records, in order. */
    public static RequestLifecycle of(Collection<TrackingRecord> records, boolean dryRun) {
        RequestLifecycle l = new RequestLifecycle(dryRun);
        records.forEach(r -> l.fold(r, null));
        return l;
    }

    /** Folds the next record of the request, read from tracking partition {@code partition} (null when unknown); idempotent. */
    public void fold(TrackingRecord r, Integer partition) {
        if (this.partition == null) {
            this.partition = partition;
        }
        switch (r.type()) {
            case INTENT -> intent(r);
            case WITHDRAWN -> {
                if (r.attempt() != null) {
                    withdrawn = set(withdrawn, r.attempt());
                }
            }
            case SUBMITTED -> submitted(r);
            case REJECTED -> rejected(r);
            case CALLBACK -> {
                if (r.taskId() != null && !r.taskId().isBlank()) {
                    if (callbacks == null) {
                        callbacks = new LinkedHashSet<>(2);
                    }
                    callbacks.add(r.taskId());
                }
            }
            case RETRY -> {
                if (r.attempt() != null) {
                    retriesAfter = set(retriesAfter, r.attempt());
                }
                if (knownTasks == null) {
                    knownTasks = new LinkedHashSet<>(4);
                }
                if (r.taskId() != null) {
                    knownTasks.add(r.taskId());
                }
                knownTasks.addAll(r.knownTasks());
            }
        }
    }

    private void intent(TrackingRecord r) {
        int n = r.attempt() != null ? r.attempt() : lastAttempt() + 1;
        intents = map(intents);
        intents.merge(n, new Attempt(n, r.time()), (a, b) -> b.time() > a.time() ? b : a); // sent again after a wait: the latest
    }

    private void rejected(TrackingRecord r) {
        boolean preview = isPreview(r);
        if (!preview) {
            refusals = map(refusals);
            refusals.putIfAbsent(answeredAttempt(r), r);
        }
        if (dryRun || !preview) {
            answered = set(answered, answeredAttempt(r));
            noteNamed(r);
        }
    }

    private void submitted(TrackingRecord r) {
        int n = answeredAttempt(r);
        answered = set(answered, n);
        if (r.taskId() != null && !r.isReused()) {
            if (submittedTasks == null) {
                submittedTasks = new ArrayList<>(1);
            }
            submittedTasks.add(r.taskId());
            if (r.attempt() != null) { // an adopted task's attempt may be unknown: then it is no attempt of its own
                submittedAttempts = map(submittedAttempts);
                submittedAttempts.putIfAbsent(n, new Attempt(n, r.time()));
            }
        }
        noteNamed(r);
    }

    /** Attempt {@code a} may exist without an answer, as if its INTENT had been read (what a scan found of it, say). */
    public void mayExist(Attempt a) {
        intents = map(intents);
        intents.putIfAbsent(a.number(), a);
    }

    private int answeredAttempt(TrackingRecord r) {
        return r.attempt() != null ? r.attempt() : intents == null ? 1 : intents.lastKey();
    }

    private void noteNamed(TrackingRecord r) {
        for (Attempt a : r.earlierAttempts()) {
            named = map(named);
            named.putIfAbsent(a.number(), a);
        }
    }

    private static <V> TreeMap<Integer, V> map(TreeMap<Integer, V> m) {
        return m != null ? m : new TreeMap<>();
    }

    private static BitSet set(BitSet s, int attempt) {
        BitSet out = s != null ? s : new BitSet(8);
        if (attempt >= 0) {
            out.set(attempt);
        }
        return out;
    }

    private static boolean has(BitSet s, int attempt) {
        return s != null && attempt >= 0 && s.get(attempt);
    }

    private static <V> SortedMap<Integer, V> view(TreeMap<Integer, V> m) {
        return m != null ? m : Collections.emptySortedMap();
    }

    /**
     * What the sink does with the request when every attempt up to {@code after} is settled: 0 for a record handed out again
     * (after a restart or a rebalance), n for a RETRY asking for a new attempt after attempt n.
     * <ul>
     *   <li>HANDLED: an attempt after {@code after} was answered;</li>
     *   <li>ADOPT: none was, and a callback named a task no SUBMITTED record did (for a RETRY: only with an attempt after
     *   {@code after} open, whose task it is);</li>
     *   <li>ORPHANED: attempts after {@code after} may exist without an answer;</li>
     *   <li>NEW: none of these.</li>
     * </ul>
     */
    public Decision sinkDecision(int after) {
        int last = Math.max(after, lastAttempt());
        if (answered != null && answered.nextSetBit(Math.max(0, after + 1)) >= 0) {
            return new Decision(Verdict.HANDLED, List.of(), last, null, null, partition);
        }
        List<Attempt> open = view(intents).tailMap(after + 1).values().stream().filter(a -> !has(withdrawn, a.number())).toList();
        String unknownTask = callbacks == null ? null : callbacks.stream()
                .filter(t -> (submittedTasks == null || !submittedTasks.contains(t)) && (knownTasks == null || !knownTasks.contains(t)))
                .findFirst().orElse(null);
        if (unknownTask != null && (after == 0 || !open.isEmpty())) {
            Integer attempt = open.isEmpty() ? null : open.get(open.size() - 1).number();
            return new Decision(Verdict.ADOPT, open, last, unknownTask, attempt, partition);
        }
        return new Decision(open.isEmpty() ? Verdict.NEW : Verdict.ORPHANED, open, last, null, null, partition);
    }

    /**
     * Every attempt that may have made, and billed, a task: the INTENTs neither withdrawn nor refused (a REJECTED record
     * answering an attempt proves it made nothing, unless a record names it: an ambiguous create given up), the attempts
     * outcome records named, and those of SUBMITTED records. Times the records named come first.
     */
    public TreeMap<Integer, Attempt> possibleAttempts() {
        TreeMap<Integer, Attempt> all = new TreeMap<>(view(named));
        view(intents).forEach((n, a) -> {
            if (!has(withdrawn, n) && !view(refusals).containsKey(n)) {
                all.putIfAbsent(n, a);
            }
        });
        view(submittedAttempts).forEach(all::putIfAbsent);
        return all;
    }

    /** The attempts besides {@code reported} (the one an event reports; null: none) that may have made, and billed, a task. */
    public List<Attempt> chargesBesides(Integer reported) {
        TreeMap<Integer, Attempt> all = possibleAttempts();
        if (reported != null) {
            all.remove(reported);
        }
        return List.copyOf(all.values());
    }

    /**
     * The newest attempt the sink made or is making: an INTENT not withdrawn (refused ones included), a SUBMITTED record's,
     * or one a record named; 0 when none.
     */
    public int newestAttempt() {
        int newest = Math.max(named == null ? 0 : named.lastKey(), submittedAttempts == null ? 0 : submittedAttempts.lastKey());
        if (intents != null) {
            for (Integer n : intents.descendingKeySet()) {
                if (!has(withdrawn, n)) {
                    return Math.max(newest, n);
                }
            }
        }
        return newest;
    }

    /** Attempt {@code n}'s INTENT, as last announced; null when none was read or the attempt was withdrawn. */
    public Attempt intent(Integer n) {
        return n == null || intents == null || has(withdrawn, n) ? null : intents.get(n);
    }

    /** The newest INTENT read (withdrawn ones included), as last announced; null when none. */
    public Attempt latestIntent() {
        return intents == null ? null : intents.lastEntry().getValue();
    }

    /**
     * Whether SUBMITTED attempt {@code attempt} is the new attempt a RETRY asked for (after the one before it): then it is
     * the request's next task, not a second one.
     */
    public boolean isRetryAttempt(Integer attempt) {
        return attempt != null && has(retriesAfter, attempt - 1);
    }

    /**
     * The REJECTED record of the newest answered attempt after {@code attempt}, when that answer is a refusal (the sink gave
     * up on the new attempt a RETRY asked for): the request ends with its failed task's event. Null otherwise.
     */
    public TrackingRecord refusalAfter(int attempt) {
        int newest = answered == null ? -1 : answered.length() - 1;
        return newest > attempt && refusals != null ? refusals.get(newest) : null;
    }

    /** Whether a record named {@code attempt} as possibly billed (an ambiguous create given up, say). */
    public boolean named(int attempt) {
        return named != null && named.containsKey(attempt);
    }

    /** The highest attempt number an INTENT used (withdrawn ones included); 0 when none. */
    public int lastAttempt() {
        return intents == null ? 0 : intents.lastKey();
    }

    /** Whether a RETRY asked for a new attempt after {@code attempt}. */
    public boolean retryAsked(int attempt) {
        return has(retriesAfter, attempt);
    }

    /** Tasks named by callbacks, in order. */
    public List<String> callbackTasks() {
        return callbacks == null ? new ArrayList<>() : new ArrayList<>(callbacks);
    }

    /** The tracking partition the request's first folded record was read from; null when unknown. */
    public Integer partition() {
        return partition;
    }
}
