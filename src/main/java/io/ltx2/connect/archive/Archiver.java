package io.ltx2.connect.archive;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Archives the videos of successful requests, each request on one of {@code ltx.archive.max.concurrent}
 * transfer threads ({@link VideoTransfer} per video, in order), each thread with its one part buffer: the
 * memory of a task's archiving is bounded by {@code max.concurrent x part.size} whatever the videos'
 * sizes. A failed attempt is tried again after a backoff ({@link io.ltx2.connect.api.RetryPolicy}: doubling,
 * jittered, capped) until {@code ltx.archive.max.wait.ms} after the request came in; a lost result URL
 * (expired or refused) or a store that refuses ends it at once. The result always completes the future:
 * the stage decides what the event says.
 */
public final class Archiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);

    private final ArchiveSettings settings;
    private final ObjectStore store;
    private final ResultDownloads.Opener downloads;
    private final AutoCloseable downloadClient;
    private final ArchiveListener listener;
    private final LongSupplier clock;
    private final VideoTransfer transfer;
    private final ExecutorService pool;
    private final ThreadLocal<byte[]> buffers;
    private volatile boolean closed;

    /** The archiver of one task: the S3 client and the download client are made here and closed with it. */
    public static Archiver start(ArchiveSettings settings, ArchiveListener listener, String threadPrefix) {
        ResultDownloads downloads = new ResultDownloads(settings.download(), settings.maxConcurrent(), settings.connectTimeout(),
                settings.readTimeout());
        try {
            return new Archiver(settings, new S3ObjectStore(settings), downloads::open, downloads, listener, System::currentTimeMillis,
                    threadPrefix);
        } catch (RuntimeException e) {
            downloads.close();
            throw e;
        }
    }

    Archiver(ArchiveSettings settings, ObjectStore store, ResultDownloads.Opener downloads, AutoCloseable downloadClient,
             ArchiveListener listener, LongSupplier clock, String threadPrefix) {
        this.settings = settings;
        this.store = store;
        this.downloads = downloads;
        this.downloadClient = downloadClient;
        this.listener = listener;
        this.clock = clock;
        this.transfer = new VideoTransfer(store, settings.keys());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.maxConcurrent(), r -> {
            Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int partSize = settings.partSize();
        this.buffers = ThreadLocal.withInitial(() -> new byte[partSize]);
    }

    /** Archives the request's videos; the future completes with the outcome (never exceptionally). */
    public CompletableFuture<ArchiveResult> archive(ArchiveRequest request) {
        long deadline = clock.getAsLong() + settings.maxWait().toMillis();
        CompletableFuture<ArchiveResult> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                result.complete(run(request, deadline));
            } catch (RuntimeException | Error e) {
                result.complete(ArchiveResult.gaveUp("ARCHIVE_ERROR: " + e));
                throw e;
            }
        });
        return result;
    }

    private ArchiveResult run(ArchiveRequest request, long deadline) {
        List<ArchivedVideo> videos = new ArrayList<>();
        for (int i = 0; i < request.resultUrls().size(); i++) {
            long started = clock.getAsLong();
            for (int attempt = 1; ; attempt++) {
                try {
                    ArchivedVideo v = transfer.transfer(downloads, request, i, buffers.get());
                    listener.videoArchived(v.bytes(), clock.getAsLong() - started);
                    videos.add(v);
                    break;
                } catch (ArchiveException e) {
                    Optional<ArchiveResult> end = afterFailure(request, i, attempt, e, deadline);
                    if (end.isPresent()) {
                        listener.archiveFailed();
                        return end.get();
                    }
                }
            }
        }
        List<String> https = new ArrayList<>();
        if (!settings.presignTtl().isZero()) {
            videos.forEach(v -> store.presign(v.key(), settings.presignTtl()).ifPresent(https::add));
        }
        return ArchiveResult.stored(videos, https);
    }

    /** Empty after a backoff when the attempt is worth repeating; else how the request ends. */
    private Optional<ArchiveResult> afterFailure(ArchiveRequest request, int index, int attempt, ArchiveException e, long deadline) {
        if (!e.kind().retriable()) {
            log.warn("Archiving video {} of request {} (task {}) failed for good: {}", index, request.requestId(), request.taskId(),
                    e.getMessage());
            return Optional.of(ArchiveResult.failed(e));
        }
        Duration delay = settings.retry().delayFor(attempt, Optional.empty());
        long now = clock.getAsLong();
        if (closed || now + delay.toMillis() >= deadline) {
            String why = e.kind().code() + ": gave up after " + attempt + " attempts in " + (now - (deadline - settings.maxWait().toMillis()))
                    + " ms (ltx.archive.max.wait.ms " + settings.maxWait().toMillis() + "); last: " + e.getMessage();
            log.warn("Archiving video {} of request {} (task {}): {}", index, request.requestId(), request.taskId(), why);
            return Optional.of(ArchiveResult.gaveUp(why));
        }
        log.warn("Archiving video {} of request {} (task {}), attempt {} failed, again in {} ms: {}", index, request.requestId(),
                request.taskId(), attempt, delay.toMillis(), e.getMessage());
        listener.transferRetried();
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return Optional.of(ArchiveResult.gaveUp("STOPPED: the task stopped while archiving"));
        }
        return Optional.empty();
    }

    /** Stops the transfers (those under way end at their next read or write) and closes the clients. */
    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        try {
            downloadClient.close();
        } catch (Exception e) {
            log.debug("Closing the download client", e);
        }
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
