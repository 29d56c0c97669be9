package io.ltx2.connect.source;

import io.ltx2.connect.tracking.RequestIdentity;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Requests whose event this task emitted lately, with every task id seen for them, so that a
 * record of one read later (the sink writing it again, a zombie create) is skipped, and a task id
 * not seen before is told apart: a second task created, and billed, for a request whose event is
 * out. Holds the last {@value #MAX} requests (least recently used go first); it lives in memory
 * only, so it does not survive a restart of the source task (the stored progress does that job for
 * the records already resolved).
 */
final class ResolvedRequests {
    static final int MAX = 100_000;

    private final Map<RequestIdentity, Set<String>> resolved = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RequestIdentity, Set<String>> eldest) {
            return size() > MAX;
        }
    };

    void remember(RequestIdentity identity, Set<String> taskIds) {
        resolved.put(identity, new HashSet<>(taskIds));
    }

    boolean contains(RequestIdentity identity) {
        return resolved.containsKey(identity);
    }

    /** True the first time {@code taskId} is seen for the resolved request (it is remembered from then on). */
    boolean newTask(RequestIdentity identity, String taskId) {
        Set<String> seen = resolved.get(identity);
        return seen != null && taskId != null && seen.add(taskId);
    }
}
