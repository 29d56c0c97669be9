package io.ltx2.connect.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CancellationException;

/** Maps an HTTP exchange to a parsed envelope or a classified {@link LtxApiException}, per the contract's error table. */
final class AnswerClassifier {

    private AnswerClassifier() {
    }

    /** A 2xx answer's status and envelope. */
    record Answer(int status, JsonNode envelope) {
    }

    /** The answer, or throws the classified error it stands for. */
    static Answer classify(String what, SimpleHttpResponse response) {
        int status = response.getCode();
        JsonNode envelope = null;
        try {
            envelope = ResponseParser.parseBody(response.getBodyBytes(), status, what);
        } catch (LtxApiException notJson) {
            if (status / 100 == 2) {
                throw notJson;
            }
        }
        int effective = effectiveStatus(status, envelope);
        if (effective / 100 == 2) {
            return new Answer(status, envelope);
        }
        String apiMessage = ResponseParser.message(envelope);
        String message = what + ": HTTP " + effective + (apiMessage == null ? "" : ": " + apiMessage);
        ApiErrorKind kind = kindOf(effective);
        if (kind == ApiErrorKind.AUTH) {
            message = what + ": HTTP " + effective + ": the API key was refused (check ltx.api.key)" + (apiMessage == null ? "" : ": " + apiMessage);
        } else if (kind == ApiErrorKind.TRANSPORT) {
            message = what + ": HTTP 407: the proxy wants credentials or refused them (check ltx.api.proxy.username and ltx.api.proxy.password)";
        }
        throw new LtxApiException(kind, effective, message, retryAfter(response.getFirstHeader(HttpHeaders.RETRY_AFTER)), null);
    }

    /** Some gateways answer HTTP 200 with an error code in the envelope: the envelope wins then. */
    private static int effectiveStatus(int status, JsonNode envelope) {
        if (status / 100 == 2 && envelope != null && envelope.hasNonNull("code") && envelope.get("code").canConvertToInt()) {
            int code = envelope.get("code").asInt();
            if (code >= 300) {
                return code;
            }
        }
        return status;
    }

    static ApiErrorKind kindOf(int status) {
        if (status == 400 || status == 422) {
            return ApiErrorKind.BAD_REQUEST;
        } else if (status == 401 || status == 403) {
            return ApiErrorKind.AUTH;
        } else if (status == 404) {
            return ApiErrorKind.NOT_FOUND;
        } else if (status == 407) {
            return ApiErrorKind.TRANSPORT;
        } else if (status == 429) {
            return ApiErrorKind.RATE_LIMITED;
        } else if (status >= 500 || status == 408) {
            return ApiErrorKind.TRANSIENT;
        }
        return ApiErrorKind.BAD_REQUEST;
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date. */
    static Duration retryAfter(Header header) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String v = header.getValue().trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /**
     * Whether a failed call may have been processed. An answer of 500, 502, 504 or 408 may come
     * after (or from a gateway in front of) work that was done; 503 says the server refused to take
     * the request (overload, maintenance), like 429. Without an answer, only a refused or
     * unresolvable connection proves that nothing was sent.
     */
    static boolean mayHaveReachedServer(int httpStatus, Exception ioError) {
        if (httpStatus > 0) {
            return httpStatus != 503;
        }
        for (Throwable t = ioError; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof ConnectTimeoutException) {
                return false;
            }
        }
        return ioError != null && !(ioError instanceof CancellationException);
    }
}
