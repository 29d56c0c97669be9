package io.ltx2.connect.sink;

import org.apache.kafka.common.config.types.Password;

/**
 * What every create of a sink task shares.
 *
 * @param callbackUrl  the receiver's URL in callback mode (a secret: it holds the token), else null
 * @param adoptAmbiguous callback mode: a create whose answer was lost or ambiguous waits for its task's callback (adopted, no
 *                     second video) before another attempt, rather than being tried again at once
 * @param guard        the duplicate guard, null when off
 * @param running      the concurrency cap's running tasks, null when off
 * @param availability whether the API takes work now
 */
record CreateSettings(String requestType, Password callbackUrl, int ambiguousRetries, boolean adoptAmbiguous, DuplicateGuard guard,
                      RunningTasks running, ApiAvailability availability) {

    /** Whether an ambiguous create waits for its task's callback instead of being tried again at once. */
    boolean awaitsCallbacks() {
        return callbackUrl != null && adoptAmbiguous;
    }
}
