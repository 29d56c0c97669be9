package io.ltx2.connect.source;

import io.ltx2.connect.archive.ArchiveRequest;
import io.ltx2.connect.archive.ArchiveResult;
import io.ltx2.connect.archive.ArchiveSettings;
import io.ltx2.connect.archive.Archiver;
import io.ltx2.connect.util.Times;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The archive stage ({@code ltx.archive.enabled}), between the {@link RequestRegistry}'s decision and the
 * event: a success's event and the tracking offsets of its request are held here while its videos are
 * copied to the object store ({@link Archiver}), and released together once every upload is acknowledged
 * and verified; the event then names the copies ({@code archivedUrls}). Every other event passes at once.
 *
 * <p>Exactly once by construction: an object's key is fixed by its task and index, and the request's
 * offsets resolve only with its event, so the source offset that commits with any event never covers a
 * request whose event is not out. A crash (or stop) before the event leaves the request unresolved; the
 * next owner follows it again and archives to the same keys, overwriting, then emits its one event (in the
 * same transaction as its offsets with exactly-once source support).
 *
 * <p>When archiving fails for good: a lost result URL (expired or refused) gives the event with
 * {@code archiveFailure} at once; the store failing or refusing for {@code ltx.archive.max.wait.ms} gives
 * it too ({@code emit}), or fails the task with the event held ({@code fail}). Runs on the task thread;
 * the transfers on the archiver's.
 */
final class ArchiveStage implements RequestRegistry.Output, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiveStage.class);
    /** The stage's own deadline comes this long after the archiver's, which normally gives up first with the last error. */
    static final long DEADLINE_GRACE_MS = 2_000;
    /** Longest wait of the task thread for tracking records while events wait for their archive. */
    static final long WAIT_MS = 50;

    private final RequestRegistry.Output events;
    private final Archiver archiver;
    private final ArchiveSettings.FailurePolicy policy;
    private final long maxWaitMs;
    private final int maxQueued;
    private final ArrayDeque<Held> waiting = new ArrayDeque<>();

    /** A success waiting for its videos: its event, and its request's offsets that resolve with it. */
    private record Held(int partition, List<TrackingOffset> offsets, Struct event, RequestFacts facts,
                        CompletableFuture<ArchiveResult> result, long since) {
    }

    ArchiveStage(RequestRegistry.Output events, Archiver archiver, ArchiveSettings settings) {
        this.events = Objects.requireNonNull(events, "events");
        this.archiver = Objects.requireNonNull(archiver, "archiver");
        this.policy = settings.failurePolicy();
        this.maxWaitMs = settings.maxWait().toMillis();
        this.maxQueued = settings.maxQueued();
    }

    @Override
    public void resolve(TrackingOffset at) {
        events.resolve(at);
    }

    @Override
    public void emit(int partition, Struct event, RequestFacts facts) {
        events.emit(partition, event, facts);
    }

    /** A success with result URLs waits for its archive (its offsets with it); any other event goes on now. */
    @Override
    public void emitResolving(int partition, List<TrackingOffset> held, Struct event, RequestFacts facts, long now) {
        List<String> urls = event.getArray("resultUrls");
        if (!TerminalEvent.SUCCESS.equals(event.getString("state")) || urls == null || urls.isEmpty() || facts.taskId() == null) {
            events.emitResolving(partition, held, event, facts, now);
            return;
        }
        Long completeTime = event.getInt64("completeTime");
        ArchiveRequest request = new ArchiveRequest(facts.requestId(), facts.taskId(),
                completeTime != null && completeTime > 0 ? completeTime : facts.submitTime(), urls);
        waiting.add(new Held(partition, List.copyOf(held), event, facts, archiver.archive(request), now));
    }

    /**
     * Emits the held events whose archive ended, and those whose wait is up.
     *
     * @return how many events were emitted
     * @throws ConnectException with the {@code fail} policy, when a request's archiving failed other than by a lost result URL
     */
    int drain(long now) {
        int n = 0;
        for (Iterator<Held> it = waiting.iterator(); it.hasNext(); ) {
            Held h = it.next();
            ArchiveResult r = h.result().getNow(null);
            if (r == null && now - h.since() < Times.plus(maxWaitMs, DEADLINE_GRACE_MS)) {
                continue;
            }
            if (r == null) {
                r = ArchiveResult.gaveUp("ARCHIVE_TIMEOUT: the videos were not stored within ltx.archive.max.wait.ms (" + maxWaitMs
                        + " ms); a transfer was still under way");
            }
            if (!r.succeeded() && !r.sourceLost() && policy == ArchiveSettings.FailurePolicy.FAIL) {
                throw new ConnectException("Archiving the videos of request " + h.facts().requestId() + " (task " + h.facts().taskId()
                        + ") failed and ltx.archive.failure.policy is fail: the task stops, its event is held until archiving works "
                        + "(restart the task). " + r.failure());
            }
            it.remove();
            Struct event = r.succeeded() ? TerminalEvent.archived(h.event(), r.locations(), r.httpsUrls())
                    : TerminalEvent.archiveFailed(h.event(), r.failure());
            if (!r.succeeded()) {
                log.warn("Request {} (task {}): event emitted with its original URLs, not archived: {}", h.facts().requestId(),
                        h.facts().taskId(), r.failure());
            }
            events.emitResolving(h.partition(), h.offsets(), event, h.facts(), now);
            n++;
        }
        return n;
    }

    /** True while {@code ltx.archive.max.queued} successes wait: the task makes no status calls and reads nothing. */
    boolean full() {
        return waiting.size() >= maxQueued;
    }

    /** Successes waiting for their archive (transferring or queued). */
    int queued() {
        return waiting.size();
    }

    /** How long the task thread may wait for tracking records: not long while events wait. */
    long waitMillis(long wait) {
        return waiting.isEmpty() ? wait : Math.min(wait, WAIT_MS);
    }

    @Override
    public String toString() {
        return "on: " + archiver;
    }

    /** Stops the transfers; the held events are dropped with their offsets unresolved, so the next owner archives and emits them. */
    @Override
    public void close() {
        if (!waiting.isEmpty()) {
            log.info("{} successes were waiting for their archive: their events come from the task's next owner", waiting.size());
        }
        waiting.clear();
        archiver.close();
    }
}
