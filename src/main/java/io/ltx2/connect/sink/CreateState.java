package io.ltx2.connect.sink;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where the create of a {@link Submission} is: one state at a time, changed only by {@link CreateFlow}, along the
 * arrows below (any other change is a defect, and fails loudly).
 */
enum CreateState {
    /** Waiting for admission. One refused while the API could not take work comes back with its attempt, announced again when it leaves. */
    QUEUED,
    /** Admitted (its spend reserved) and handed to the API client; not on the wire yet. */
    ADMITTED,
    /** Its attempt's INTENT is being written or is durable, and the create may be on the wire: what closing a partition waits for. */
    ON_WIRE,
    /** Failed; the client tries the same attempt again: the failure provably created nothing. */
    RETRY_CLEAN,
    /** Failed; the client tries again as a new attempt: the failure may have created a task. */
    RETRY_AMBIGUOUS,
    /** Refused because the API cannot take work, provably not taken: back to the head of the queue once its call is over. */
    REQUEUED,
    /** Its current attempt never reached the API and a WITHDRAWN record says so (its partition moved on, or too late). */
    WITHDRAWN,
    /** Its call is over: answered, given up, or waiting (off the wire) for what the tracking topic says of it. */
    ENDED;

    private Set<CreateState> next;

    static {
        QUEUED.next = EnumSet.of(ADMITTED, WITHDRAWN);
        ADMITTED.next = EnumSet.of(ON_WIRE, WITHDRAWN, ENDED);
        ON_WIRE.next = EnumSet.of(RETRY_CLEAN, RETRY_AMBIGUOUS, REQUEUED, WITHDRAWN, ENDED);
        RETRY_CLEAN.next = EnumSet.of(ON_WIRE, REQUEUED, WITHDRAWN, ENDED);
        RETRY_AMBIGUOUS.next = EnumSet.of(ON_WIRE, REQUEUED, ENDED);
        REQUEUED.next = EnumSet.of(QUEUED, WITHDRAWN);
        WITHDRAWN.next = EnumSet.noneOf(CreateState.class);
        ENDED.next = EnumSet.of(QUEUED);
    }

    /** Whether a create may go from this state to {@code to} (staying is always allowed). */
    boolean mayGo(CreateState to) {
        return to == this || next.contains(to);
    }
}
