package io.ltx2.connect.tracking;

/** The kinds of lifecycle record on the tracking topic. */
public enum TrackingRecordType {
    /** The sink's create call was accepted; key = taskId. */
    SUBMITTED,
    /** The request was never (successfully) submitted: invalid, HTTP 400, or retries exhausted; key = requestId. */
    REJECTED,
    /** The callback receiver got the API's webhook for a task; key = taskId. */
    CALLBACK
}
