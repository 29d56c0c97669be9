package io.ltx2.connect.source;

/** What a source task exposes over JMX as {@code io.ltx2.connect:type=source-task-metrics,connector=...,task=...}. */
public interface LtxSourceTaskMetricsMBean {
    int getOutstandingTasks();

    long getStatusCalls();

    long getRateLimitedResponses();

    long getEventsSuccess();

    long getEventsFailed();

    long getEventsRejected();

    long getCallbacksRead();

    /** Mean time from the API's completeTime to the event, ms. */
    double getDetectionDelayAvgMs();

    long getDetectionDelayMaxMs();
}
