package io.ltx2.connect.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of {@link TrackingRecord}, shared by the sink, the source and the callback receiver. */
public final class TrackingRecordCodec {

    private TrackingRecordCodec() {
    }

    public static byte[] encode(TrackingRecord record) {
        try {
            return Json.MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode tracking record for request " + record.requestId(), e);
        }
    }

    /**
     * Decodes a tracking record value.
     *
     * @throws MalformedTrackingRecordException when the bytes are not a tracking record of a version we read
     */
    public static TrackingRecord decode(byte[] value) {
        if (value == null) {
            throw new MalformedTrackingRecordException("null value (tombstone)");
        }
        TrackingRecord record;
        try {
            record = Json.MAPPER.readValue(value, TrackingRecord.class);
        } catch (IOException e) {
            throw new MalformedTrackingRecordException("not a tracking record: " + e.getMessage(), e);
        }
        if (record.type() == null) {
            throw new MalformedTrackingRecordException("no type in " + new String(value, 0, Math.min(value.length, 200), StandardCharsets.UTF_8));
        }
        if (record.version() < 1 || record.version() > TrackingRecord.CURRENT_VERSION) {
            throw new MalformedTrackingRecordException("unsupported format version " + record.version());
        }
        return record;
    }

    public static final class MalformedTrackingRecordException extends RuntimeException {
        public MalformedTrackingRecordException(String message) {
            super(message);
        }

        public MalformedTrackingRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
