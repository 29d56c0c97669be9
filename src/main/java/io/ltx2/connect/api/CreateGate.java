package io.ltx2.connect.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asked right before each attempt of a create goes on the wire (after any wait for a rate permit
 * or a retry delay). The sink writes its durable INTENT record here, so that every create the API
 * may have received has one.
 */
@FunctionalInterface
public interface CreateGate {
    /** Always go ahead. */
    CreateGate OPEN = previousMayExist -> CompletableFuture.completedFuture(true);

    /**
     * @param previousMayExist whether an earlier attempt of this create may have reached the API (an
     *                         ambiguous failure): a retry now may create, and bill, a second task
     * @return completes with true to send, false to withdraw the create (nothing is sent, the call
     * fails with a CancellationException); completing exceptionally fails the call with that error
     */
    CompletionStage<Boolean> beforeSend(boolean previousMayExist);

    /**
     * The attempt just sent failed and will be tried again after a delay (the gate is asked again
     * then); {@code previousMayExist} says whether that failure may have created a task. Until then
     * nothing of this create is on the wire.
     */
    default void retrying(boolean previousMayExist) {
    }
}
