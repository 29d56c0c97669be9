package io.ltx2.connect.source;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link RequestRegistry} does with CALLBACK records: a callback confirms the followed task
 * it names; for a request that follows another live task, it counts an orphan (a second task, named on
 * the event). For a request with no live task (its create unanswered, or its retry under way) the
 * callback is held with the request and kept by task id: the sink adopts that task (it decides, from
 * the request's lifecycle, whether to adopt or create) and writes its SUBMITTED record, which this
 * task then follows, confirmed at once by the callback. Adopting here too would make two owners of one
 * decision, and the sink's adopted SUBMITTED record, read after the event, would after a restart be a
 * request of its own. A callback that names no request (a callback URL without rid) is matched by task
 * id, also when it is read before its SUBMITTED record. Task thread only.
 */
final class CallbackRecords {
    private static final Logger log = LoggerFactory.getLogger(CallbackRecords.class);
    static final int MAX_EARLY_CALLBACKS = 10_000;

    private final RequestRegistry registry;
    private final RequestRegistry.Output output;
    private final SourceTaskMetrics metrics;
    /** Callbacks read before their task's SUBMITTED record: task id -> record. */
    private final Map<String, TrackingRecord> early = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TrackingRecord> eldest) {
            return size() > MAX_EARLY_CALLBACKS;
        }
    };

    CallbackRecords(RequestRegistry registry, RequestRegistry.Output output, SourceTaskMetrics metrics) {
        this.registry = registry;
        this.output = output;
        this.metrics = metrics;
    }

    /** A CALLBACK naming request {@code id}, outstanding as {@code s} (null: not outstanding). */
    void onCallback(RequestState s, TrackingOffset at, TrackingRecord r, RequestIdentity id, long now) {
        if (s == null) {
            output.resolve(at);
            if (r.taskId() != null) {
                early.put(r.taskId(), r); // its SUBMITTED record (the sink's adoption, say) may still come
            }
            log.debug("CALLBACK {} for task {} of request {} that is not outstanding", at, r.taskId(), id);
            return;
        }
        s.hold(at, r);
        FollowedTask task = s.task(r.taskId());
        if (task != null) {
            registry.confirm(task, r, now);
        } else if (s.tasks.stream().allMatch(t -> t.done)) {
            if (r.taskId() != null) {
                early.put(r.taskId(), r);
            }
            log.debug("Callback of task {} for request {}, which follows no live task: held until its SUBMITTED record", r.taskId(), id);
        } else if (s.orphan(r.taskId())) {
            metrics.duplicateTask();
            log.warn("Callback of task {} for request {}, which follows task {}: an orphaned duplicate create, billed for nothing",
                    r.taskId(), id, s.tasks.get(0).taskId);
        }
    }

    /** A callback without a request identity (a callback URL without rid): matched by task id among the followed tasks. */
    void withoutIdentity(TrackingOffset at, TrackingRecord r, long now) {
        List<FollowedTask> tasks = registry.followed(r.taskId());
        if (tasks == null || tasks.isEmpty()) {
            output.resolve(at); // unknown, finished, or not read yet: then its SUBMITTED record picks it up
            if (r.taskId() != null) {
                early.put(r.taskId(), r);
            }
            log.debug("CALLBACK {} for task {} that is not followed", at, r.taskId());
            return;
        }
        registry.outstanding(tasks.get(0).identity).hold(at, r);
        for (FollowedTask task : List.copyOf(tasks)) {
            registry.confirm(task, r, now);
        }
    }

    /** A task is followed from its SUBMITTED record: a callback for it read earlier confirms it now. */
    void submitted(FollowedTask task, long now) {
        TrackingRecord callback = early.remove(task.taskId);
        if (callback != null) {
            registry.confirm(task, callback, now);
        }
    }
}
