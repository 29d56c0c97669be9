package io.ltx2.connect.archive;

import java.util.List;

/**
 * How archiving one request ended: every video stored (with pre-signed HTTPS URLs when configured), or a
 * failure: the result URL is lost (it expired or was refused: no retry or restart can archive it), the
 * store refused, or the time allowed ran out (the last error).
 *
 * @param videos     the stored videos, in the order of the result URLs; empty on failure
 * @param httpsUrls  pre-signed HTTPS URLs of the videos, same order; empty when off or on failure
 * @param failure    {@code CODE: message} of the failure, or null on success
 * @param sourceLost the failure is a result URL that expired or was refused: the videos can never be archived
 */
public record ArchiveResult(List<ArchivedVideo> videos, List<String> httpsUrls, String failure, boolean sourceLost) {

    public ArchiveResult {
        videos = List.copyOf(videos);
        httpsUrls = List.copyOf(httpsUrls);
    }

    public static ArchiveResult stored(List<ArchivedVideo> videos, List<String> httpsUrls) {
        return new ArchiveResult(videos, httpsUrls, null, false);
    }

    public static ArchiveResult failed(ArchiveException e) {
        return new ArchiveResult(List.of(), List.of(), e.kind().code() + ": " + e.getMessage(),
                e.kind() == ArchiveException.Kind.SOURCE_GONE || e.kind() == ArchiveException.Kind.SOURCE_REFUSED);
    }

    public static ArchiveResult gaveUp(String failure) {
        return new ArchiveResult(List.of(), List.of(), failure, false);
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** The {@code s3://bucket/key} of each video. */
    public List<String> locations() {
        return videos.stream().map(ArchivedVideo::location).toList();
    }

    public long bytes() {
        return videos.stream().mapToLong(ArchivedVideo::bytes).sum();
    }
}
