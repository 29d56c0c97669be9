package io.ltx2.connect.sink.request;

import org.apache.kafka.connect.errors.DataException;

/**
 * Why a request record was not (or could not be) submitted. Reported to the errant record reporter,
 * so with {@code errors.deadletterqueue.context.headers.enable=true} the message (naming the field)
 * lands in the DLQ record's {@code __connect.errors.exception.message} header.
 */
public class BadRequestRecordException extends DataException {
    private final String failCode;
    private final Integer httpStatus;
    private final String detail;

    public BadRequestRecordException(String failCode, String message) {
        this(failCode, message, null, null, null);
    }

    public BadRequestRecordException(String failCode, String message, Throwable cause) {
        this(failCode, message, null, null, cause);
    }

    private BadRequestRecordException(String failCode, String message, Integer httpStatus, String detail, Throwable cause) {
        super(message, cause);
        this.failCode = failCode;
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    /** The API refused the request: its HTTP status, and its own code ({@code failCode}, else HTTP_status) and detail (may be null). */
    public static BadRequestRecordException refusedByApi(String failCode, String message, int httpStatus, String detail, Throwable cause) {
        return new BadRequestRecordException(failCode, message, httpStatus, detail, cause);
    }

    /** The tracking record's failCode: INVALID_REQUEST, the API's own code or HTTP_status, SUBMIT_FAILED, ... */
    public String failCode() {
        return failCode;
    }

    /** The HTTP status of the API's refusal; null when the API did not refuse it. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** The API's detail of its refusal ({@code data.error}); null when it gave none. */
    public String detail() {
        return detail;
    }
}
