package io.ltx2.connect.archive;

import java.util.List;
import java.util.Objects;

/**
 * What to archive for one request: the result URLs of its task, in order, and the facts its keys are
 * made of. Every field is the same whenever the same task is archived again (after a retry or a
 * restart), so the keys are too.
 *
 * @param requestId    the request's label (the event's key)
 * @param taskId       the API task whose results these are
 * @param completeTime the API's completion time (epoch ms) of the task, for {@code {date}}; the submit time when the API gave none
 * @param resultUrls   the result URLs, index 0 first
 */
public record ArchiveRequest(String requestId, String taskId, long completeTime, List<String> resultUrls) {
    public ArchiveRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskId, "taskId");
        resultUrls = List.copyOf(resultUrls);
    }
}
