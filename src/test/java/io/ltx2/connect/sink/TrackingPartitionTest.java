package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Review D12: partitions added to the tracking topic while requests are outstanding move the key's
 * hash; a request's records stay on the partition its first one landed on, so that readers keep
 * them in order.
 */
class TrackingPartitionTest {
    @RegisterExtension
    final SinkTaskHarnesses tasks = new SinkTaskHarnesses(12);

    /** Places keyed tracking records as {@code place} says (by how many it placed before), and remembers where. */
    private static final class Growing implements Partitioner {
        final List<Integer> placed = new CopyOnWriteArrayList<>();
        private final IntUnaryOperator place;

        Growing(IntUnaryOperator place) {
            this.place = place;
        }

        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
            if (!SinkTaskHarness.TRACKING.equals(topic)) {
                return 0;
            }
            int p = place.applyAsInt(placed.size());
            placed.add(p);
            return p;
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    /** The partition each tracking record of the current producer landed on, by type, in order. */
    private static List<String> landed(SinkTaskHarness h, Growing partitioner) {
        List<String> out = new ArrayList<>();
        Iterator<Integer> placed = partitioner.placed.iterator();
        for (ProducerRecord<String, byte[]> r : h.producer.history()) {
            if (SinkTaskHarness.TRACKING.equals(r.topic())) {
                int p = r.partition() != null ? r.partition() : placed.next();
                out.add(TrackingRecordCodec.decode(r.value()).type() + "@" + p);
            }
        }
        return out;
    }

    private static Map<String, Object> request() {
        return Map.of("prompt", "a lighthouse", "resolution", "480p", "duration", 5);
    }

    @Test
    void aRequestsLaterRecordsFollowItsIntentWhenPartitionsAreAdded() {
        Growing grown = new Growing(placedBefore -> placedBefore == 0 ? 0 : 1); // the topic grows right after the first INTENT
        SinkTaskHarness h = tasks.start("grown").trackingPartitions(2, grown);
        LtxSinkTask task = h.start();

        task.put(List.of(SinkTaskHarness.record(0, "k", request())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !h.written(TrackingRecordType.SUBMITTED).isEmpty());

        assertThat(landed(h, grown)).containsExactly("INTENT@0", "SUBMITTED@0");
    }

    @Test
    void theNextOwnerWritesWhereTheEarlierOwnersRecordsAre() {
        TrackedRequest earlier = new TrackedRequest(new RequestIdentity("moved", SinkTaskHarness.INPUT, 0, 0), "k", "async", "auto", null,
                Map.of());
        SinkTaskHarness h = tasks.start("moved");
        h.append(TrackingRecord.intent(earlier, 1, System.currentTimeMillis())); // on partition 0, before the topic grew
        h.append(TrackingRecord.withdrawn(earlier, 1, System.currentTimeMillis()));
        Growing grown = new Growing(placedBefore -> 1); // the key's hash now names partition 1
        LtxSinkTask task = h.trackingPartitions(2, grown).start();

        task.put(List.of(SinkTaskHarness.record(0, "k", request())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !h.written(TrackingRecordType.SUBMITTED).isEmpty());

        assertThat(landed(h, grown)).containsExactly("INTENT@0", "SUBMITTED@0");
        assertThat(h.written(TrackingRecordType.INTENT).get(0).attempt()).isEqualTo(2);
    }
}
