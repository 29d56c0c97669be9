package io.ltx2.connect.tracking;

/** The kinds of lifecycle record on the tracking topic; all of one request share its identity's key. */
public enum TrackingRecordType {
    /** Written, and acknowledged, right before a create call goes out: from then on the API may have the task. */
    INTENT,
    /**
     * The attempt of an INTENT was withdrawn before it could reach the API (its partition moved to
     * another task while the create waited): that attempt created nothing and is not a possible charge.
     */
    WITHDRAWN,
    /** The sink's create call was accepted (or the duplicate guard reused an earlier task). */
    SUBMITTED,
    /** The request was never (successfully) submitted: invalid, HTTP 400, retries exhausted, or a dry run. */
    REJECTED,
    /** The callback receiver got the API's webhook for a task. */
    CALLBACK,
    /**
     * The source found the request's task failed with a fail code worth another attempt: the sink
     * creates one. Readers of an earlier version skip it as unreadable.
     */
    RETRY
}
