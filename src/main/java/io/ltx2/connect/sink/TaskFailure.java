package io.ltx2.connect.sink;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first fatal error of a sink task, found on any thread (an HTTP answer, a producer callback);
 * the task thread throws it from {@code put}, so Connect fails the task with that message.
 */
final class TaskFailure {
    private static final Logger log = LoggerFactory.getLogger(TaskFailure.class);
    private final AtomicReference<ConnectException> first = new AtomicReference<>();

    void fail(ConnectException e) {
        if (first.compareAndSet(null, e)) {
            // with its cause's message: a refused write says there which ACL is missing (KafkaAccess)
            log.error("Sink task failing: {}{}", e.getMessage(), e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
        }
    }

    boolean failed() {
        return first.get() != null;
    }

    void throwIfFailed() {
        ConnectException e = first.get();
        if (e != null) {
            throw e;
        }
    }

    /** Whether {@code t} or a cause is a passing trouble of a Kafka cluster (a time-out, a retriable error). */
    static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.apache.kafka.common.errors.RetriableException || c instanceof RetriableException
                    || c instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
