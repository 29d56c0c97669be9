package io.ltx2.connect.archive;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The object-store calls one transfer makes: {@link S3ObjectStore} on the AWS SDK, or a fake in unit tests.
 * Every call names its bucket implicitly ({@link #bucket()}); every failure is an {@link ArchiveException}
 * whose message holds no credential.
 */
interface ObjectStore extends AutoCloseable {

    /** What the store says of a stored object. */
    record StoredObject(long length, String etag, Map<String, String> metadata) {
    }

    String bucket();

    /** One PUT of {@code length} bytes of {@code data}; {@code md5} (base64) makes the store check them. Returns the ETag. */
    String put(String key, byte[] data, int length, String contentType, Map<String, String> metadata, String md5) throws ArchiveException;

    /** Starts a multipart upload; returns its upload id. */
    String startMultipart(String key, String contentType, Map<String, String> metadata) throws ArchiveException;

    /** Uploads part {@code partNumber} (from 1), checked by the store against {@code md5}; returns its ETag. */
    String uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String md5) throws ArchiveException;

    /** Completes the upload from its parts' ETags, in order; returns the object's ETag. */
    String completeMultipart(String key, String uploadId, List<String> partEtags) throws ArchiveException;

    /** Drops an unfinished upload and its parts (best effort: an upload left behind costs storage until a lifecycle rule ends it). */
    void abortMultipart(String key, String uploadId);

    /** Replaces the object's metadata (a copy onto itself); returns the new ETag. */
    String replaceMetadata(String key, String contentType, Map<String, String> metadata) throws ArchiveException;

    /** The object's size, ETag and metadata. */
    StoredObject head(String key) throws ArchiveException;

    /** A pre-signed HTTPS GET URL of the object for {@code ttl}, if the store can make one. */
    Optional<String> presign(String key, Duration ttl);

    @Override
    void close();
}
