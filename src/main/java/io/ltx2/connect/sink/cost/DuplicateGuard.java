package io.ltx2.connect.sink.cost;

import io.ltx2.connect.sink.request.SinkRequest;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.tracking.TrackingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The duplicate guard ({@code ltx.sink.duplicate.guard.window.ms}): a request with a fixed seed
 * whose content equals that of a task this connector created within the window, and that task
 * succeeded, gets that task's result instead of a new, billed generation. One status call decides;
 * a task still running, failed or unknown leads to a normal create. Thread-safe.
 */
public final class DuplicateGuard {
    private static final Logger log = LoggerFactory.getLogger(DuplicateGuard.class);

    private final ContentIndex index;
    private final LtxApiClient client;
    private final LongSupplier clock;

    DuplicateGuard(Duration window, String model, LtxApiClient client, LongSupplier clock) {
        this.index = new ContentIndex(window, model, clock);
        this.client = client;
        this.clock = clock;
    }

    /** Loads the tasks the connector created within the window (its SUBMITTED records, oldest first). */
    void load(List<TrackingRecord> created) {
        created.stream().sorted(Comparator.comparingLong(TrackingRecord::time))
                .forEach(t -> index.hash(t.provider(), t.input()).ifPresent(h -> index.add(h, t.taskId(), t.time())));
        log.info("Duplicate guard: {} distinct fixed-seed inputs created by this connector are reused while their task succeeded",
                index.size());
    }

    /** The id of an earlier task with this request's content that succeeded; empty when a new task must be created. */
    public CompletableFuture<Optional<String>> succeededEarlier(SinkRequest r) {
        Optional<ContentIndex.Entry> earlier = index.hash(r.provider(), r.input()).flatMap(index::find);
        if (earlier.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String taskId = earlier.get().taskId();
        return client.getStatus(taskId).handle((status, error) ->
                error == null && status.state() == TaskState.SUCCESS ? Optional.of(taskId) : Optional.empty());
    }

    /** Remembers a task just created for this request's content. */
    public void created(SinkRequest r, String taskId) {
        index.hash(r.provider(), r.input()).ifPresent(h -> index.add(h, taskId, clock.getAsLong()));
    }
}
