package io.ltx2.connect.s3local;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.Payload;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test-only faults of {@link LocalS3}, between S3Proxy and its blob store: an outage (every object
 * call answered 503), and held acknowledgements (an object write is stored, so the object exists, and
 * its answer to the client waits until released: the window between an upload and its acknowledgement,
 * where a test kills the worker). Counts the object writes stored.
 */
final class FaultyBlobStore extends ForwardingBlobStore {
    private static final long LONGEST_HOLD_MS = TimeUnit.MINUTES.toMillis(5);

    private volatile boolean outage;
    private volatile boolean holding;
    private final Object gate = new Object();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicInteger held = new AtomicInteger();

    FaultyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void outage(boolean on) {
        outage = on;
    }

    void hold(boolean on) {
        synchronized (gate) {
            holding = on;
            gate.notifyAll();
        }
    }

    long writes() {
        return writes.get();
    }

    int held() {
        return held.get();
    }

    @Override
    public String putBlob(String container, Blob blob) {
        return acknowledged(delegate().putBlob(available(container), blob));
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        return acknowledged(delegate().putBlob(available(container), blob, options));
    }

    @Override
    public MultipartUpload initiateMultipartUpload(String container, BlobMetadata metadata, PutOptions options) {
        return delegate().initiateMultipartUpload(available(container), metadata, options);
    }

    @Override
    public MultipartPart uploadMultipartPart(MultipartUpload upload, int partNumber, Payload payload) {
        available(upload.containerName());
        return delegate().uploadMultipartPart(upload, partNumber, payload);
    }

    @Override
    public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
        available(upload.containerName());
        return acknowledged(delegate().completeMultipartUpload(upload, parts));
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName, CopyOptions options) {
        return delegate().copyBlob(available(fromContainer), fromName, toContainer, toName, options);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        return delegate().blobMetadata(available(container), name);
    }

    private String available(String container) {
        if (outage) {
            throw new HttpResponseException("the local S3 store is in an outage (test fault)", null,
                    HttpResponse.builder().statusCode(503).message("Service Unavailable").build());
        }
        return container;
    }

    /** The write is stored; its answer waits while acknowledgements are held. */
    private String acknowledged(String etag) {
        writes.incrementAndGet();
        long until = System.currentTimeMillis() + LONGEST_HOLD_MS;
        synchronized (gate) {
            if (holding) {
                held.incrementAndGet();
                try {
                    while (holding && System.currentTimeMillis() < until) {
                        gate.wait(100);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    held.decrementAndGet();
                }
            }
        }
        return etag;
    }
}
