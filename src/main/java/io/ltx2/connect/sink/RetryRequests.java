package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The RETRY records the source writes when a task failed with a fail code worth another attempt:
 * this task follows the tracking topic from its end (a RETRY written while no task followed is
 * written again by the source when no new attempt comes), on every partition, added ones too, and
 * hands over the ones of its connector with where they are. Only the record's type header is read of
 * the other records. A cluster that cannot answer delays the reading ({@link TrackingFollower}).
 * Task thread only.
 */
final class RetryRequests implements AutoCloseable {

    /** A RETRY record and where it is on the tracking topic. */
    record Asked(TrackingRecord record, int partition, long offset) {
    }

    private final String connector;
    private final TrackingFollower follower;

    RetryRequests(String topic, String connector, Supplier<Consumer<byte[], byte[]>> consumers, LongSupplier clock) {
        this.connector = connector;
        this.follower = new TrackingFollower(topic, consumers, clock);
    }

    /** The RETRY records of this connector that arrived since the last call. */
    List<Asked> poll() {
        List<Asked> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : follower.poll()) {
            TrackingRecord retry = retryOf(r);
            if (retry != null) {
                out.add(new Asked(retry, r.partition(), r.offset()));
            }
        }
        return out;
    }

    private TrackingRecord retryOf(ConsumerRecord<byte[], byte[]> r) {
        if (TrackingWriter.typeOf(r.headers()) != TrackingRecordType.RETRY) {
            return null;
        }
        try {
            TrackingRecord record = TrackingRecordCodec.decode(r.value());
            return record.type() == TrackingRecordType.RETRY && connector.equals(record.connector()) && record.identity() != null
                    && record.attempt() != null ? record : null;
        } catch (TrackingRecordCodec.MalformedTrackingRecordException e) {
            return null;
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
