package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.FailCodes;

/** A record whose value cannot be read as a request at all: not JSON, wrong types, a tombstone, not UTF-8. */
public final class UnparseableRecordException extends BadRequestRecordException {
    public UnparseableRecordException(String message) {
        super(FailCodes.INVALID_REQUEST, message);
    }

    public UnparseableRecordException(String message, Throwable cause) {
        super(FailCodes.INVALID_REQUEST, message, cause);
    }
}
