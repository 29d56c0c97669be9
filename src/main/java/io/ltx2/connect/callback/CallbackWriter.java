package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;

import java.util.concurrent.Future;

/** Where the receiver puts an authenticated callback: the tracking topic, in production. */
public interface CallbackWriter extends AutoCloseable {

    /** Writes the record; the future completes when it is durable. */
    Future<?> write(TrackingRecord record);

    @Override
    void close();
}
