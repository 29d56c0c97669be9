package io.ltx2.connect.archive;

import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ObjectStore} on the AWS SDK for Java v2's S3 client, with the SDK's Apache HTTP client (it
 * streams request bodies; pooled, with the archive's time-outs). Works with AWS S3 and with S3-compatible
 * stores (an endpoint override, path-style access). The SDK's own checksums are asked for only where S3
 * requires them: the transfer sends Content-MD5 with every PUT and part, which S3 and the S3-compatible
 * stores all check, while the newer trailing checksums are not understood by every S3-compatible store.
 * Failures become {@link ArchiveException}s: throttling, 5xx and I/O are {@code STORE_UNAVAILABLE}, a
 * bad digest {@code VERIFY_FAILED}, any other refusal {@code STORE_REFUSED}; the access key id is blanked
 * out of every message.
 */
final class S3ObjectStore implements ObjectStore {
    private final String bucket;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String hiddenKeyId;

    S3ObjectStore(ArchiveSettings settings) {
        this.bucket = settings.bucket();
        this.hiddenKeyId = settings.accessKeyId().map(Password::value).orElse(null);
        AwsCredentialsProvider credentials = credentials(settings);
        Optional<Region> region = settings.region().map(Region::of)
                .or(() -> settings.endpoint().map(e -> Region.US_EAST_1)); // an S3-compatible store takes any region
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(Math.max(2, settings.maxConcurrent()))
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.readTimeout()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        region.ifPresent(builder::region);
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
        S3Presigner p = null;
        if (!settings.presignTtl().isZero()) {
            S3Presigner.Builder pb = S3Presigner.builder().credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
            region.ifPresent(pb::region);
            settings.endpoint().ifPresent(pb::endpointOverride);
            p = pb.build();
        }
        this.presigner = p;
    }

    private static AwsCredentialsProvider credentials(ArchiveSettings settings) {
        if (settings.staticCredentials()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().orElseThrow().value(),
                    settings.secretAccessKey().orElseThrow().value()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public String put(String key, byte[] data, int length, String contentType, Map<String, String> metadata, String md5)
            throws ArchiveException {
        try {
            return s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength((long) length).contentMD5(md5)
                    .metadata(metadata), body(data, length)).eTag();
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    @Override
    public String startMultipart(String key, String contentType, Map<String, String> metadata) throws ArchiveException {
        try {
            return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata)).uploadId();
        } catch (SdkException e) {
            throw failure("starting the multipart upload of " + key, e);
        }
    }

    @Override
    public String uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String md5) throws ArchiveException {
        try {
            return s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength((long) length)
                    .contentMD5(md5), body(data, length)).eTag();
        } catch (SdkException e) {
            throw failure("part " + partNumber + " of " + key, e);
        }
    }

    @Override
    public String completeMultipart(String key, String uploadId, List<String> partEtags) throws ArchiveException {
        List<CompletedPart> parts = new ArrayList<>(partEtags.size());
        for (int i = 0; i < partEtags.size(); i++) {
            parts.add(CompletedPart.builder().partNumber(i + 1).eTag(partEtags.get(i)).build());
        }
        try {
            return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(parts))).eTag();
        } catch (SdkException e) {
            throw failure("completing the multipart upload of " + key, e);
        }
    }

    @Override
    public void abortMultipart(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // best effort: a lifecycle rule ends what is left (docs/archiving.md)
        }
    }

    @Override
    public String replaceMetadata(String key, String contentType, Map<String, String> metadata) throws ArchiveException {
        try {
            return s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).contentType(contentType).metadata(metadata)).copyObjectResult().eTag();
        } catch (SdkException e) {
            throw failure("setting the metadata of " + key, e);
        }
    }

    @Override
    public StoredObject head(String key) throws ArchiveException {
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
            return new StoredObject(r.contentLength() == null ? -1 : r.contentLength(), r.eTag(), r.metadata());
        } catch (SdkException e) {
            throw failure("HEAD " + key, e);
        }
    }

    @Override
    public Optional<String> presign(String key, Duration ttl) {
        if (presigner == null || ttl.isZero()) {
            return Optional.empty();
        }
        return Optional.of(presigner.presignGetObject(b -> b.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)))
                .url().toString());
    }

    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    }

    /** The SDK's failure as an ArchiveException of the right kind, without the access key id. */
    private ArchiveException failure(String what, SdkException e) {
        String message = what + " in bucket " + bucket + " failed: " + hide(e.getMessage());
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if ("BadDigest".equals(code) || "InvalidDigest".equals(code)) {
                return new ArchiveException(ArchiveException.Kind.VERIFY_FAILED, message);
            }
            if (status >= 500 || status == 429 || status == 408 || "SlowDown".equals(code) || "RequestTimeout".equals(code)) {
                return new ArchiveException(ArchiveException.Kind.STORE_UNAVAILABLE, message);
            }
            return new ArchiveException(ArchiveException.Kind.STORE_REFUSED, message);
        }
        return new ArchiveException(ArchiveException.Kind.STORE_UNAVAILABLE, message);
    }

    private String hide(String message) {
        if (message == null || hiddenKeyId == null || hiddenKeyId.isEmpty()) {
            return message;
        }
        return message.replace(hiddenKeyId, "[hidden]");
    }

    @Override
    public void close() {
        s3.close();
        if (presigner != null) {
            presigner.close();
        }
    }
}
