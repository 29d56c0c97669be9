package io.ltx2.connect.sink;

import org.apache.kafka.common.config.types.Password;

/**
 * What every create of a sink task shares.
 *
 * @param callbackUrl  the receiver's URL in callback mode (a secret: it holds the token), else null
 * @param guard        the duplicate guard, null when off
 * @param running      the concurrency cap's running tasks, null when off
 * @param availability whether the API takes work now
 */
record CreateSettings(String requestType, Password callbackUrl, int ambiguousRetries, DuplicateGuard guard, RunningTasks running,
                      ApiAvailability availability) {
}
