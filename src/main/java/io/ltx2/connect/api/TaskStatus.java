package io.ltx2.connect.api;

import java.util.List;

/**
 * A task's state as the status endpoint (or a callback) reports it, with {@code resultJson}
 * already parsed into {@link #resultUrls()}. {@code rawState} keeps the API's own word when it is
 * not one we know.
 */
public record TaskStatus(
        String taskId,
        TaskState state,
        String rawState,
        List<String> resultUrls,
        String failCode,
        String failMsg,
        Long createTime,
        Long completeTime,
        Long costTime) {

    public TaskStatus {
        resultUrls = resultUrls == null ? List.of() : List.copyOf(resultUrls);
    }
}
