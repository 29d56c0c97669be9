package io.ltx2.connect.archive;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Copies one result URL to its object, streaming: the download's body is read into one part buffer of
 * {@code ltx.archive.part.size.bytes} at a time and each full buffer goes to the store before the next
 * is read, so a transfer holds at most one part whatever the video's size. A video that fits in one
 * part is one PUT; a larger one a multipart upload. While the bytes stream, the SHA-256 of the whole and the
 * MD5 of each part are computed; every PUT and part carries its Content-MD5, so the store refuses damaged
 * bytes itself.
 *
 * <p>Verified before the object counts as archived: the bytes read equal the download's Content-Length
 * (checked before the object is written), the store's ETag equals the MD5 (one PUT) or the MD5 of the
 * parts' MD5s with their count (multipart) when the store's ETags have that form (an encrypting store's
 * do not), and the stored object's size and {@code sha256} metadata are read back. A multipart object gets
 * its {@code sha256} metadata by a copy onto itself once it is complete (S3 takes metadata only when an
 * upload starts, before the bytes are known). The key comes from the {@link KeyTemplate}: writing the same
 * video again replaces the same object.
 */
final class VideoTransfer {
    private static final Logger log = LoggerFactory.getLogger(VideoTransfer.class);
    static final String SHA256_METADATA = "sha256";
    private static final HexFormat HEX = HexFormat.of();

    private final ObjectStore store;
    private final KeyTemplate keys;

    VideoTransfer(ObjectStore store, KeyTemplate keys) {
        this.store = store;
        this.keys = keys;
    }

    /**
     * Downloads video {@code index} of {@code request} and stores it through {@code buffer} (one part); the object is
     * complete and verified when this returns.
     */
    ArchivedVideo transfer(ResultDownloads.Opener downloads, ArchiveRequest request, int index, byte[] buffer) throws ArchiveException {
        String url = request.resultUrls().get(index);
        try (ResultDownloads.Download d = downloads.open(url)) {
            String type = d.contentType() == null ? "application/octet-stream" : d.contentType();
            String key = keys.render(request, index, d.contentType(), url);
            Map<String, String> metadata = new HashMap<>();
            metadata.put("ltx-task-id", KeyTemplate.urlSafe(request.taskId()));
            metadata.put("ltx-index", Integer.toString(index));
            Digests digests = new Digests();
            InputStream in = body(d, url);
            int n = read(in, buffer, url);
            long total;
            if (n < buffer.length) {
                total = n;
                checkLength(d, total, url);
                byte[] md5 = digests.part(buffer, n);
                metadata.put(SHA256_METADATA, digests.sha256Hex());
                String etag = store.put(key, buffer, n, type, metadata, Base64.getEncoder().encodeToString(md5));
                checkEtag(key, etag, HEX.formatHex(md5), null);
            } else {
                total = multipart(key, type, metadata, digests, new Source(d, in, url), buffer, n);
            }
            verifyStored(key, total, digests.sha256Hex());
            log.debug("Archived {} as s3://{}/{}: {} bytes, sha256 {}", ArchiveException.redact(url), store.bucket(), key, total,
                    digests.sha256Hex());
            return new ArchivedVideo(key, "s3://" + store.bucket() + "/" + key, total, digests.sha256Hex(), type);
        }
    }

    /** The download a multipart upload reads from. */
    private record Source(ResultDownloads.Download download, InputStream in, String url) {
    }

    private long multipart(String key, String type, Map<String, String> metadata, Digests digests, Source src, byte[] buffer, int first)
            throws ArchiveException {
        String uploadId = store.startMultipart(key, type, metadata);
        boolean completed = false;
        try {
            List<String> etags = new ArrayList<>();
            long total = 0;
            for (int n = first; n > 0; n = read(src.in(), buffer, src.url())) {
                byte[] md5 = digests.part(buffer, n);
                etags.add(store.uploadPart(key, uploadId, etags.size() + 1, buffer, n, Base64.getEncoder().encodeToString(md5)));
                total += n;
                if (n < buffer.length) {
                    break; // the stream ended within this part
                }
            }
            checkLength(src.download(), total, src.url());
            String etag = store.completeMultipart(key, uploadId, etags);
            completed = true;
            String composite = digests.compositeMd5Hex() + "-" + etags.size();
            checkEtag(key, etag, null, composite);
            metadata.put(SHA256_METADATA, digests.sha256Hex());
            // The copy's ETag is the whole object's MD5 on S3 (not computed here: size and sha256 are read back instead), or the parts' form.
            checkEtag(key, store.replaceMetadata(key, type, metadata), null, composite);
            return total;
        } finally {
            if (!completed) {
                store.abortMultipart(key, uploadId);
            }
        }
    }

    private static InputStream body(ResultDownloads.Download d, String url) throws ArchiveException {
        try {
            return d.body();
        } catch (IOException e) {
            throw new ArchiveException(ArchiveException.Kind.SOURCE_UNAVAILABLE, "reading " + ArchiveException.redact(url) + " failed: " + e);
        }
    }

    /** Fills the buffer from the stream (less only at its end); a read that fails or stalls past the read time-out is worth a retry. */
    private static int read(InputStream in, byte[] buffer, String url) throws ArchiveException {
        int n = 0;
        try {
            while (n < buffer.length) {
                int r = in.read(buffer, n, buffer.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return n;
        } catch (IOException e) {
            throw new ArchiveException(ArchiveException.Kind.SOURCE_UNAVAILABLE, "download of " + ArchiveException.redact(url)
                    + " broke after " + n + " bytes of a part: " + e);
        }
    }

    private static void checkLength(ResultDownloads.Download d, long total, String url) throws ArchiveException {
        if (d.contentLength() >= 0 && d.contentLength() != total) {
            throw new ArchiveException(ArchiveException.Kind.VERIFY_FAILED, ArchiveException.redact(url) + " declared "
                    + d.contentLength() + " bytes and gave " + total);
        }
    }

    /** A store's ETag of our MD5's form that differs means damaged bytes; another form (an encrypting store's) says nothing. */
    private static void checkEtag(String key, String etag, String md5, String composite) throws ArchiveException {
        String e = etag == null ? "" : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        if (e.equals(md5) || e.equals(composite)) {
            return;
        }
        boolean sameForm = composite == null ? false : e.endsWith(composite.substring(composite.indexOf('-')));
        if (sameForm) {
            throw new ArchiveException(ArchiveException.Kind.VERIFY_FAILED, "the store's ETag " + e + " of " + key
                    + " is not the MD5 of the parts sent (" + composite + ")");
        }
        log.debug("ETag {} of {} is not an MD5 (an encrypting store): checked by size and sha256 metadata only", e, key);
    }

    private void verifyStored(String key, long total, String sha256) throws ArchiveException {
        ObjectStore.StoredObject stored = store.head(key);
        if (stored.length() != total) {
            throw new ArchiveException(ArchiveException.Kind.VERIFY_FAILED, "the store holds " + stored.length() + " bytes of " + key
                    + ", " + total + " were sent");
        }
        String storedSha = stored.metadata() == null ? null : stored.metadata().get(SHA256_METADATA);
        if (storedSha != null && !storedSha.equalsIgnoreCase(sha256)) {
            throw new ArchiveException(ArchiveException.Kind.VERIFY_FAILED, "the stored sha256 of " + key + " is " + storedSha
                    + ", the bytes sent had " + sha256);
        }
    }

    /** SHA-256 of the whole video, and the MD5 of each part (its Content-MD5, and the multipart ETag from them). */
    private static final class Digests {
        private final MessageDigest sha256 = digest("SHA-256");
        private final MessageDigest partMd5s = digest("MD5");
        private String sha256Hex;

        /** Adds a part; returns its MD5. */
        byte[] part(byte[] data, int length) {
            sha256.update(data, 0, length);
            MessageDigest part = digest("MD5");
            part.update(data, 0, length);
            byte[] partMd5 = part.digest();
            partMd5s.update(partMd5);
            return partMd5;
        }

        String sha256Hex() {
            if (sha256Hex == null) {
                sha256Hex = HEX.formatHex(sha256.digest());
            }
            return sha256Hex;
        }

        String compositeMd5Hex() {
            try {
                return HEX.formatHex(((MessageDigest) partMd5s.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MessageDigest digest(String algorithm) {
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is part of every JDK", e);
            }
        }
    }
}
