package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.SourceCoordinates;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin's guards for Connect APIs newer than some workers: each newer call, where the worker
 * lacks it (a {@link NoSuchMethodError}, as the JVM throws when a worker's Connect jar has no such
 * method), falls back instead of failing the task. The real-worker matrix (RealWorkerIT, 3.7 to 4.4)
 * runs on workers that all have these APIs, so the fallbacks are proven here.
 */
class OldWorkerFallbacksTest {

    /** A record as an SMT passes it on: topic renamed, the original coordinates kept (KIP-793, Connect 3.6+). */
    private static SinkRecord renamedBySmt() {
        return new SinkRecord("requests", 2, null, "k", null, "v", 41L).newRecord("requests-renamed", 0, null, "k", null, "v", null);
    }

    /** The same record on a worker before 3.6: its SinkRecord has no originalTopic() and friends. */
    private static SinkRecord onWorkerWithoutKip793() {
        SinkRecord r = renamedBySmt();
        return new SinkRecord(r.topic(), r.kafkaPartition(), null, r.key(), null, r.value(), r.kafkaOffset()) {
            @Override
            public String originalTopic() {
                throw new NoSuchMethodError("org.apache.kafka.connect.sink.SinkRecord.originalTopic()");
            }
        };
    }

    @Test
    void coordinatesFallBackToTheRecordsOwnOnAWorkerWithoutKip793() {
        assertThat(RequestParser.coordinates(renamedBySmt())).as("with KIP-793 (RequestParserTest has more)")
                .isEqualTo(new SourceCoordinates("requests", 2, 41L));
        assertThat(RequestParser.coordinates(onWorkerWithoutKip793())).isEqualTo(new SourceCoordinates("requests-renamed", 0, 41L));
        assertThat(RequestParser.bestEffortRequestId(onWorkerWithoutKip793())).isEqualTo("k");
    }

    @Test
    void errantRecordReporterIsUsedWhenErrorsAreTolerated() {
        FakeSinkContext context = new FakeSinkContext();
        context.reporter = (record, error) -> CompletableFuture.completedFuture(null);
        assertThat(DeadLetterQueue.reporterOf(context, true)).isSameAs(context.reporter);
        assertThat(DeadLetterQueue.reporterOf(context, false)).as("errors.tolerance=none: no DLQ").isNull();
    }

    @Test
    void noDeadLetterQueueOnAWorkerWithoutKip610() {
        SinkTaskContext context = (SinkTaskContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SinkTaskContext.class},
                (proxy, method, args) -> {
                    throw new NoSuchMethodError("org.apache.kafka.connect.sink.SinkTaskContext." + method.getName() + "()");
                });
        assertThat(DeadLetterQueue.reporterOf(context, true)).isNull();
        assertThat(new DeadLetterQueue(null).enabled()).isFalse();
        assertThat(new DeadLetterQueue(null).report(renamedBySmt(), new IllegalArgumentException("bad")))
                .as("a report without a DLQ completes at once").isDone();
    }
}
