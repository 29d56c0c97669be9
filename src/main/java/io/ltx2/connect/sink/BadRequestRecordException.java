package io.ltx2.connect.sink;

import org.apache.kafka.connect.errors.DataException;

/**
 * Why a request record was not (or could not be) submitted. Reported to the errant record reporter,
 * so with {@code errors.deadletterqueue.context.headers.enable=true} the message (naming the field)
 * lands in the DLQ record's {@code __connect.errors.exception.message} header.
 */
public class BadRequestRecordException extends DataException {
    private final String failCode;

    public BadRequestRecordException(String failCode, String message) {
        super(message);
        this.failCode = failCode;
    }

    public BadRequestRecordException(String failCode, String message, Throwable cause) {
        super(message, cause);
        this.failCode = failCode;
    }

    /** The tracking record's failCode: INVALID_REQUEST, HTTP_400, SUBMIT_FAILED, ... */
    public String failCode() {
        return failCode;
    }
}
