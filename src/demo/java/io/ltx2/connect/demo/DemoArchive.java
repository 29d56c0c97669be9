package io.ltx2.connect.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.s3local.LocalS3;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's {@code --archive}: an S3-compatible store (S3Proxy over an in-memory blob store) in the demo's
 * JVM on a free 127.0.0.1 port, the source connector's {@code ltx.archive.*} keys pointing at it, and the
 * summary of what was archived: every success's archived keys, read back from the store.
 */
final class DemoArchive implements AutoCloseable {
    static final String BUCKET = "ltx-demo-videos";

    private final LocalS3 store;

    private DemoArchive(LocalS3 store) {
        this.store = store;
    }

    static DemoArchive start(Consumer<String> say) {
        try {
            LocalS3 store = LocalS3.start(BUCKET);
            say.accept(String.format("Object store       %s  (S3Proxy in this JVM, in memory, bucket %s)", store.endpoint(), BUCKET));
            return new DemoArchive(store);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local S3 store: " + e.getMessage(), e);
        }
    }

    /** The source connector's keys: archive to the local store, pre-signed URLs for an hour. */
    Map<String, String> sourceOverrides() {
        Map<String, String> c = new java.util.HashMap<>(store.connectorConfig(BUCKET));
        c.put("ltx.archive.presign.ttl.ms", "3600000");
        return c;
    }

    /**
     * Prints the archived copy of every success and checks it: named by its event, stored with its size.
     *
     * @return true when every success names its archived copies and each is in the store
     */
    boolean report(Map<String, JsonNode> events, Consumer<String> say) {
        List<String> keys = store.keys(BUCKET);
        say.accept(String.format("Archived to s3://%s at %s: %d objects", BUCKET, store.endpoint(), keys.size()));
        boolean ok = true;
        for (Map.Entry<String, JsonNode> e : events.entrySet()) {
            JsonNode event = e.getValue();
            if (!"success".equals(event.path("state").asText())) {
                continue;
            }
            JsonNode archived = event.path("archivedUrls");
            if (!archived.isArray() || archived.isEmpty()) {
                System.out.printf("  %-18s NOT archived: %s%n", e.getKey(), event.path("archiveFailure").asText("(no archive fields)"));
                ok = false;
                continue;
            }
            for (JsonNode url : archived) {
                String key = url.asText().substring(("s3://" + BUCKET + "/").length());
                boolean stored = keys.contains(key);
                ok &= stored;
                System.out.printf("  %-18s %s%s%n", e.getKey(), url.asText(), stored ? "" : "   <-- not in the store");
            }
        }
        return ok;
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (Exception e) {
            System.err.println("stopping the local S3 store: " + e);
        }
    }
}
