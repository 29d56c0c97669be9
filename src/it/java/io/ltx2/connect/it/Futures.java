package io.ltx2.connect.it;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on futures in tests, with checked exceptions turned into assertion-friendly unchecked ones. */
public final class Futures {

    private Futures() {
    }

    /** The value within 60 s, or an IllegalStateException naming why not. */
    public static <T> T get(Future<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("future failed: " + e.getMessage(), e);
        }
    }
}
