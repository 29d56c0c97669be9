package io.ltx2.connect.sink.report;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Rejected records to Connect's dead letter queue (KIP-610), when the connector has one. Rejections
 * are decided on any thread, but the reporter belongs to the task thread: reports are queued and
 * made, and their writes checked, from {@code put} and {@code preCommit}.
 */
public final class DeadLetterQueue {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterQueue.class);

    private final ErrantRecordReporter reporter;
    private final ConcurrentLinkedQueue<Report> toReport = new ConcurrentLinkedQueue<>();
    /** Reports made and not yet written; task thread only. */
    private final List<Report> reporting = new ArrayList<>();

    public DeadLetterQueue(ErrantRecordReporter reporter) {
        this.reporter = reporter;
    }

    /** The worker's reporter when errors are tolerated and it has one; null otherwise. */
    public static ErrantRecordReporter reporterOf(SinkTaskContext context, boolean toleratesErrors) {
        if (!toleratesErrors) {
            return null;
        }
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            log.warn("This Connect worker has no errant record reporter (before Kafka 2.6): rejected records are not sent to a DLQ");
            return null;
        }
    }

    public boolean enabled() {
        return reporter != null;
    }

    /** Completes when the record is in the DLQ (at once without one). Any thread. */
    public CompletableFuture<Void> report(SinkRecord record, Throwable reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (reporter == null) {
            done.complete(null);
        } else {
            toReport.add(new Report(record, reason, done));
        }
        return done;
    }

    /** Makes the queued reports and completes those written. Task thread only. */
    public void flush() {
        if (reporter == null) {
            return;
        }
        for (Report report; (report = toReport.poll()) != null; ) {
            try {
                report.written = reporter.report(report.record, report.reason);
                reporting.add(report);
            } catch (RuntimeException e) {
                report.done.completeExceptionally(e);
            }
        }
        for (Iterator<Report> it = reporting.iterator(); it.hasNext(); ) {
            Report report = it.next();
            if (report.written.isDone()) {
                it.remove();
                try {
                    report.written.get();
                    report.done.complete(null);
                } catch (ExecutionException | InterruptedException e) {
                    report.done.completeExceptionally(e);
                }
            }
        }
    }

    public boolean idle() {
        return toReport.isEmpty() && reporting.isEmpty();
    }

    private static final class Report {
        final SinkRecord record;
        final Throwable reason;
        final CompletableFuture<Void> done;
        Future<Void> written;

        Report(SinkRecord record, Throwable reason, CompletableFuture<Void> done) {
            this.record = record;
            this.reason = reason;
            this.done = done;
        }
    }
}
