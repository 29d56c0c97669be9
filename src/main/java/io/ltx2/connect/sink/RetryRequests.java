package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordCodec;
import io.ltx2.connect.tracking.TrackingRecordType;
import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The RETRY records the source writes when a task failed with a fail code worth another attempt, as
 * the task's {@link TrackingFeed} reads them: written after the feed started (a RETRY written while no
 * task followed is written again by the source when no new attempt comes), on every partition, added
 * ones too, each once (a partition read again for a waiting request hands nothing new here). Those of its
 * connector are handed over with where they are. Only the record's type header is read of the other
 * records. Task thread only.
 */
final class RetryRequests {

    /** A RETRY record and where it is on the tracking topic. */
    record Asked(TrackingRecord record, int partition, long offset) {
    }

    private final String connector;
    private final TrackingFeed feed;
    private final List<Asked> asked = new ArrayList<>();

    RetryRequests(String connector, TrackingFeed feed) {
        this.connector = connector;
        this.feed = feed;
        feed.listen(this::onRecord);
    }

    private void onRecord(ConsumerRecord<byte[], byte[]> r, boolean again) {
        TrackingRecord retry = again ? null : retryOf(r);
        if (retry != null) {
            asked.add(new Asked(retry, r.partition(), r.offset()));
        }
    }

    /** The RETRY records of this connector that arrived since the last call. */
    List<Asked> poll() {
        feed.poll();
        List<Asked> out = List.copyOf(asked);
        asked.clear();
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
}
