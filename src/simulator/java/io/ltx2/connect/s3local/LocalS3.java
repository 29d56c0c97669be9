package io.ltx2.connect.s3local;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An S3-compatible object store in this JVM, for the archive tests, the demo's {@code --archive} and the
 * archive benchmark: S3Proxy over jclouds' transient (in-memory) blob store, on 127.0.0.1 and a free
 * port, with SigV2/SigV4 authentication by a fixed test key pair. No Docker needed. Test-only faults
 * ({@link #outage(boolean)}, {@link #holdAcknowledgements(boolean)}) sit between S3Proxy and the store.
 *
 * <pre>{@code
 * try (LocalS3 s3 = LocalS3.start("videos")) {
 *     connectorConfig.putAll(s3.connectorConfig("videos"));   // ltx.archive.* of the source connector
 * }
 * }</pre>
 */
public final class LocalS3 implements AutoCloseable {
    public static final String ACCESS_KEY_ID = "local-s3-access-key-id";
    public static final String SECRET_ACCESS_KEY = "local-s3-secret-access-key-for-tests";
    public static final String REGION = "us-east-1";

    private final BlobStoreContext context;
    private final BlobStore store;
    private final FaultyBlobStore faults;
    private final S3Proxy proxy;
    private final String accessKeyId;
    private final String secretAccessKey;

    private LocalS3(BlobStoreContext context, FaultyBlobStore faults, S3Proxy proxy, String accessKeyId, String secretAccessKey) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.context = context;
        this.store = context.getBlobStore();
        this.faults = faults;
        this.proxy = proxy;
    }

    /** Starts the store with these buckets, for the test key pair ({@link #ACCESS_KEY_ID}, {@link #SECRET_ACCESS_KEY}). */
    public static LocalS3 start(String... buckets) throws Exception {
        return withCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, buckets);
    }

    /** Starts the store with these buckets, for this key pair. */
    public static LocalS3 withCredentials(String accessKeyId, String secretAccessKey, String... buckets) throws Exception {
        return start(ContextBuilder.newBuilder("transient").credentials("local", "local").build(BlobStoreContext.class), accessKeyId,
                secretAccessKey, buckets);
    }

    /**
     * Starts the store on jclouds' filesystem blob store under {@code dir} instead of memory (the benchmark: its
     * objects stay out of the heap it measures), for the test key pair.
     */
    public static LocalS3 onDisk(java.nio.file.Path dir, String... buckets) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return start(ContextBuilder.newBuilder("filesystem").credentials("local", "local").overrides(p).build(BlobStoreContext.class),
                ACCESS_KEY_ID, SECRET_ACCESS_KEY, buckets);
    }

    private static LocalS3 start(BlobStoreContext context, String accessKeyId, String secretAccessKey, String... buckets) throws Exception {
        BlobStore raw = context.getBlobStore();
        for (String bucket : buckets) {
            raw.createContainerInLocation(null, bucket);
        }
        FaultyBlobStore faults = new FaultyBlobStore(raw);
        S3Proxy proxy = S3Proxy.builder().blobStore(faults).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey).build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                proxy.stop();
                context.close();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new LocalS3(context, faults, proxy, accessKeyId, secretAccessKey);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The source connector's keys that archive to {@code bucket} here. */
    public Map<String, String> connectorConfig(String bucket) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("ltx.archive.enabled", "true");
        c.put("ltx.archive.bucket", bucket);
        c.put("ltx.archive.endpoint", endpoint());
        c.put("ltx.archive.path.style.access", "true");
        c.put("ltx.archive.region", REGION);
        c.put("ltx.archive.access.key.id", accessKeyId);
        c.put("ltx.archive.secret.access.key", secretAccessKey);
        return c;
    }

    /** Every object key in {@code bucket}, sorted. */
    public List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        ListContainerOptions options = ListContainerOptions.Builder.recursive();
        while (true) {
            PageSet<? extends StorageMetadata> page = store.list(bucket, options);
            for (StorageMetadata m : page) {
                if (m.getType() == StorageType.BLOB) {
                    keys.add(m.getName());
                }
            }
            if (page.getNextMarker() == null) {
                break;
            }
            options = ListContainerOptions.Builder.recursive().afterMarker(page.getNextMarker());
        }
        keys.sort(null);
        return keys;
    }

    /** The bytes of an object, or null when there is none. */
    public byte[] read(String bucket, String key) throws IOException {
        Blob blob = store.getBlob(bucket, key);
        if (blob == null) {
            return null;
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    /** The user metadata of an object (lower-case names), or null when there is none. */
    public Map<String, String> metadata(String bucket, String key) {
        var m = store.blobMetadata(bucket, key);
        return m == null ? null : Map.copyOf(m.getUserMetadata());
    }

    /** Test fault: every object call answers 503 while on. */
    public void outage(boolean on) {
        faults.outage(on);
    }

    /** Test fault: object writes are stored, and their answers wait, while on. */
    public void holdAcknowledgements(boolean on) {
        faults.hold(on);
    }

    /** Object writes (one PUT, or a completed multipart upload) stored so far. */
    public long writes() {
        return faults.writes();
    }

    /** Writes stored whose answer is held now. */
    public int heldAcknowledgements() {
        return faults.held();
    }

    @Override
    public void close() throws Exception {
        faults.hold(false);
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
