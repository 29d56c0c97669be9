package io.ltx2.connect.sink.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ltx2.connect.api.ContractLimits;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.util.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The duplicate guard's index: content hash of a request with a fixed seed (model, provider and
 * input as sent) to the last API task that was created for it within the window. Only a fixed seed
 * makes two generations of the same input the same video, so requests without one are never
 * matched. Thread-safe.
 */
public final class ContentIndex {
    private final Duration window;
    private final LongSupplier clock;
    private final String model;
    /** Hash to (task id, submit time), oldest first. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    ContentIndex(Duration window, String model, LongSupplier clock) {
        this.window = window;
        this.model = model;
        this.clock = clock;
    }

    record Entry(String taskId, long time) {
    }

    /** The content hash, or empty when the request has no fixed seed (each generation differs). */
    Optional<String> hash(String provider, GenerationInput input) {
        if (input == null || input.seed() == null || input.seed() == ContractLimits.SEED_RANDOM) {
            return Optional.empty();
        }
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(List.of(model, provider == null ? "" : provider, input));
            return Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    synchronized void add(String hash, String taskId, long time) {
        entries.remove(hash); // re-insert: keeps the map in time order
        entries.put(hash, new Entry(taskId, time));
    }

    /** The task created for this content within the window, if any. */
    synchronized Optional<Entry> find(String hash) {
        expire();
        return Optional.ofNullable(entries.get(hash));
    }

    synchronized int size() {
        expire();
        return entries.size();
    }

    private void expire() {
        long oldest = clock.getAsLong() - window.toMillis();
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().time() > oldest) {
                break;
            }
            it.remove();
        }
    }
}
