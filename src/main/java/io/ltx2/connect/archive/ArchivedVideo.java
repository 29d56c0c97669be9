package io.ltx2.connect.archive;

/**
 * One video in the object store, verified.
 *
 * @param key         its object key
 * @param location    {@code s3://bucket/key}
 * @param bytes       its size: the bytes downloaded, uploaded and reported by the store
 * @param sha256      hex SHA-256 of its bytes, computed while they streamed (also the object's {@code sha256} metadata)
 * @param contentType the download's Content-Type, stored with the object
 */
public record ArchivedVideo(String key, String location, long bytes, String sha256, String contentType) {
}
