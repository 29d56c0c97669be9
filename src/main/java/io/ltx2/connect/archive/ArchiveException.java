package io.ltx2.connect.archive;

/**
 * Why one transfer failed, and whether trying again can help. Messages name URLs without their query
 * (a signed result URL's token stays out of logs and events) and never hold a credential.
 */
public final class ArchiveException extends Exception {

    /** What failed. */
    public enum Kind {
        /** The result URL answered 403, 404 or 410 (expired, or refused): it will not come back. */
        SOURCE_GONE(false, "RESULT_URL_GONE"),
        /** Another 4xx from the result URL: the download is refused as asked. */
        SOURCE_REFUSED(false, "RESULT_URL_REFUSED"),
        /** 5xx, 429, a time-out or a broken connection on the download: worth another try. */
        SOURCE_UNAVAILABLE(true, "RESULT_URL_UNAVAILABLE"),
        /** The object store refused the request (access denied, no such bucket, bad credentials): not a passing fault. */
        STORE_REFUSED(false, "STORE_REFUSED"),
        /** 5xx, throttling, a time-out or a broken connection on the store: worth another try. */
        STORE_UNAVAILABLE(true, "STORE_UNAVAILABLE"),
        /** The bytes stored differ from those downloaded (size or checksum): the object is written again. */
        VERIFY_FAILED(true, "VERIFY_FAILED");

        private final boolean retriable;
        private final String code;

        Kind(boolean retriable, String code) {
            this.retriable = retriable;
            this.code = code;
        }

        public boolean retriable() {
            return retriable;
        }

        /** The code an event's {@code archiveFailure} starts with. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public ArchiveException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ArchiveException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A URL without its query and fragment: a signed URL's token never reaches a log or an event. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int cut = url.indexOf('?');
        int hash = url.indexOf('#');
        if (hash >= 0 && (cut < 0 || hash < cut)) {
            cut = hash;
        }
        return cut < 0 ? url : url.substring(0, cut) + "?...";
    }
}
