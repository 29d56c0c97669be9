package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingWriter;

import java.util.concurrent.Future;

/** Where the receiver puts an authenticated callback: the tracking topic, in production (a seam for tests). */
public interface CallbackWriter extends AutoCloseable {

    /** Writes the record; the future completes when it is durable. */
    Future<?> write(TrackingRecord record);

    /** As {@link #write(TrackingRecord)}, on tracking partition {@code partition} (the request's; null: the key's hash). */
    default Future<?> write(TrackingRecord record, Integer partition) {
        return write(record);
    }

    @Override
    void close();

    /** Writes to the tracking topic through the one producer setup of all tracking writes (keyed by {@link TrackingRecord#key()}). */
    static CallbackWriter of(TrackingWriter writer) {
        return new CallbackWriter() {
            @Override
            public Future<?> write(TrackingRecord record) {
                return writer.write(record);
            }

            @Override
            public Future<?> write(TrackingRecord record, Integer partition) {
                return writer.write(record, null, partition);
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }
}
