package io.ltx2.connect.api;

import io.ltx2.connect.util.Redaction;
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
import java.util.regex.Pattern;

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
        LtxApiException.ApiRefusal refusal = ResponseParser.refusal(envelope);
        ApiErrorKind kind = kindOf(effective, apiMessage, refusal);
        String said = (apiMessage == null ? "" : ": " + apiMessage) + (refusal.detail() == null ? "" : " (" + refusal.detail() + ")")
                + (refusal.vendorCode() == null ? "" : " [" + refusal.vendorCode() + "]");
        String message = switch (kind) {
            case AUTH -> what + ": HTTP " + effective + ": the API key was refused (check ltx.api.key)" + said;
            case TRANSPORT -> what + ": HTTP 407: the proxy wants credentials or refused them (check ltx.api.proxy.username and "
                    + "ltx.api.proxy.password)";
            case ACCOUNT -> what + ": HTTP " + effective + ": the account cannot pay for more work now (top up its balance)" + said;
            case CONTENT_REFUSED -> what + ": HTTP " + effective + ": the request's content was refused by the API's policy" + said;
            default -> what + ": HTTP " + effective + said;
        };
        throw new LtxApiException(kind, effective, message, retryAfter(response.getFirstHeader(HttpHeaders.RETRY_AFTER)), refusal);
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

    /** Words of a 403 about the request's content (the vendor's errors page: "content violates policy"). */
    private static final Pattern CONTENT = Pattern.compile("(?i)(content|polic(y|ies)|moderat|sensitive|nsfw|safety|violat|prohibit"
            + "|inappropriate)");
    /** Words of a 403 about the key (the vendor's error-codes page: "API key lacks permission"). */
    private static final Pattern KEY = Pattern.compile("(?i)(api[ _-]?key|\\bkey\\b|token|permission|unauthori[sz]|credential|access denied)");
    /** Words of a 402 or 403 about the account's money. */
    private static final Pattern BALANCE = Pattern.compile("(?i)(balance|credits?\\b|payment|billing|top[ -]?up|insufficient funds)");

    /**
     * The kind of an error answer. A 403 means either "the key lacks access" or "the content violates
     * the policy" (the vendor's pages say both): it is a content refusal when the API's own code names
     * content, or its message and detail do and say nothing of a key; about the balance, an account
     * problem; otherwise (an unknown 403 too) a key problem, which fails the task rather than reject
     * requests for what may be the key's fault.
     */
    static ApiErrorKind kindOf(int status, String message, LtxApiException.ApiRefusal refusal) {
        if (status == 402) {
            return ApiErrorKind.ACCOUNT;
        }
        if (status != 403) {
            return kindOf(status);
        }
        String text = (message == null ? "" : message) + " " + (refusal.detail() == null ? "" : refusal.detail());
        String code = refusal.vendorCode() == null ? "" : refusal.vendorCode();
        if (CONTENT.matcher(code).find() || CONTENT.matcher(text).find() && !KEY.matcher(text).find()) {
            return ApiErrorKind.CONTENT_REFUSED;
        }
        if (BALANCE.matcher(code + " " + text).find() && !KEY.matcher(text).find()) {
            return ApiErrorKind.ACCOUNT;
        }
        return ApiErrorKind.AUTH;
    }

    static ApiErrorKind kindOf(int status) {
        if (status == 400 || status == 413 || status == 422) {
            return ApiErrorKind.BAD_REQUEST;
        } else if (status == 401 || status == 403) {
            return ApiErrorKind.AUTH;
        } else if (status == 402) {
            return ApiErrorKind.ACCOUNT;
        } else if (status == 404) {
            return ApiErrorKind.NOT_FOUND;
        } else if (status == 407) {
            return ApiErrorKind.TRANSPORT;
        } else if (status == 429) {
            return ApiErrorKind.RATE_LIMITED;
        } else if (status >= 500 || status == 408) {
            return ApiErrorKind.TRANSIENT;
        }
        return ApiErrorKind.UNEXPECTED_STATUS;
    }

    /** The answer with the connector's secrets hidden in its body, before anything reads it ({@link Redaction}). */
    static SimpleHttpResponse redacted(SimpleHttpResponse response, Redaction redaction) {
        byte[] body = response.getBodyBytes();
        if (redaction.isEmpty() || body == null) {
            return response;
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        String hidden = redaction.apply(text);
        if (hidden.equals(text)) {
            return response;
        }
        SimpleHttpResponse copy = new SimpleHttpResponse(response.getCode(), response.getReasonPhrase());
        copy.setHeaders(response.getHeaders());
        copy.setBody(hidden.getBytes(java.nio.charset.StandardCharsets.UTF_8), response.getContentType());
        return copy;
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
