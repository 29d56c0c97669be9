package io.ltx2.connect.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The classified error a client call failed with, for the client's tests. */
final class ApiFailures {

    private ApiFailures() {
    }

    /** Waits up to 20 s for the call to fail with an {@link LtxApiException}, and returns it. */
    static LtxApiException failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LtxApiException.class);
            return (LtxApiException) e.getCause();
        }
        return fail("expected a failure, got " + future.join());
    }
}
