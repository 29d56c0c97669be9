package io.ltx2.connect.sink.report;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

public class DeadLetterQueueTest {
    private static final SinkRecord RECORD = new SinkRecord("requests", 0, null, "k", null, "v", 3);

    @Test
    void withoutADlqAReportIsDoneAtOnce() {
        DeadLetterQueue dlq = new DeadLetterQueue(null);
        assertThat(dlq.enabled()).isFalse();
        assertThat(dlq.report(RECORD, new IllegalArgumentException("bad"))).isCompleted();
        assertThat(dlq.idle()).isTrue();
    }

    @Test
    void aReportIsMadeOnTheTaskThreadAndDoneOnlyOnceWritten() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        ErrantRecordReporter reporter = (record, error) -> {
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return (Future<Void>) w;
        };
        DeadLetterQueue dlq = new DeadLetterQueue(reporter);
        CompletableFuture<Void> done = dlq.report(RECORD, new IllegalArgumentException("bad")); // from any thread: queued
        assertThat(writes).isEmpty();

        dlq.flush(); // the task thread makes the report
        assertThat(writes).hasSize(1);
        assertThat(done).isNotDone();
        assertThat(dlq.idle()).isFalse();

        writes.get(0).complete(null);
        dlq.flush();
        assertThat(done).isCompleted();
        assertThat(dlq.idle()).isTrue();
    }

    @Test
    void aFailedWriteFailsTheReport() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        DeadLetterQueue dlq = new DeadLetterQueue((record, error) -> {
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return w;
        });
        CompletableFuture<Void> done = dlq.report(RECORD, new IllegalArgumentException("bad"));
        dlq.flush();
        writes.get(0).completeExceptionally(new IllegalStateException("DLQ topic gone"));
        dlq.flush();
        assertThat(done).isCompletedExceptionally();
    }
}
