package io.ltx2.connect.source;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link RequestRegistry} does with CALLBACK records: a callback confirms the followed
 * task it names; for a request with INTENTs (or a WITHDRAWN record) and no live task, it adopts the
 * callback's task (its create was never answered); for another task, it counts an orphan. A callback
 * that names no request (a callback URL without rid) is matched by task id, also when it is read
 * before its SUBMITTED record. Task thread only.
 */
final class CallbackRecords {
    private static final Logger log = LoggerFactory.getLogger(CallbackRecords.class);
    static final int MAX_EARLY_CALLBACKS = 10_000;

    private final RequestRegistry registry;
    private final RequestRegistry.Output output;
    private final SourceTaskMetrics metrics;
    /** Callbacks without identity read before their SUBMITTED record: task id -> record. */
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
            log.debug("CALLBACK {} for task {} of request {} that is not outstanding", at, r.taskId(), id);
            return;
        }
        s.hold(at);
        FollowedTask task = s.task(r.taskId());
        if (task != null) {
            registry.confirm(task, r, now);
        } else if (s.tasks.stream().allMatch(t -> t.done)) {
            adopt(s, r, now);
        } else if (s.orphan(r.taskId())) {
            metrics.duplicateTask();
            log.warn("Callback of task {} for request {}, which follows task {}: an orphaned duplicate create, billed for nothing",
                    r.taskId(), id, s.tasks.get(0).taskId);
        }
    }

    /** The request's create was never answered (no SUBMITTED record), but its task called back: follow that task. */
    private void adopt(RequestState s, TrackingRecord callback, long now) {
        TrackingRecord origin = s.adoptionOrigin();
        if (origin == null) {
            log.warn("Callback of task {} for request {}, which has no record to adopt it from: held with the request", callback.taskId(),
                    s.identity);
            return;
        }
        Integer attempt = s.latestIntent() == null ? null : s.latestAttempt(); // a WITHDRAWN attempt never reached the API
        FollowedTask task = registry.follow(s, new FollowedTask(s.identity, callback.taskId(), origin, attempt, true, origin.time()), now);
        metrics.adopted();
        log.info("Adopting task {} of request {} through its callback: create attempt {} was never answered", callback.taskId(),
                s.identity, attempt == null ? "(unknown)" : attempt);
        registry.confirm(task, null, now); // an adopted task id comes from a webhook alone: always confirmed by a status call
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
        registry.outstanding(tasks.get(0).identity).hold(at);
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
