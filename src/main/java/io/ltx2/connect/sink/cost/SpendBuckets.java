package io.ltx2.connect.sink.cost;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds of video by minute: what a spend checkpoint carries. A day at the API's ceiling is at most
 * 1,440 non-empty minutes, encoded as varints of (minutes since the previous non-empty minute, seconds
 * of video, the second of the minute of its latest record) in Base64: under 10 KB however many
 * requests there were. Read back, a minute's seconds count as spent at the end of the second of its
 * latest record, so they leave the caps' windows no earlier than they would have (at most a minute
 * later). Not thread-safe.
 */
public final class SpendBuckets {
    static final long BUCKET_MS = 60_000;

    /** Minute (epoch ms / {@link #BUCKET_MS}) to {seconds, time of its latest record}. */
    private final TreeMap<Long, long[]> minutes = new TreeMap<>();

    public void add(long time, long seconds) {
        if (seconds > 0) {
            merge(Math.floorDiv(time, BUCKET_MS), seconds, time);
        }
    }

    private void merge(long minute, long seconds, long latest) {
        long[] b = minutes.computeIfAbsent(minute, k -> new long[] {0, latest});
        b[0] += seconds;
        b[1] = Math.max(b[1], latest);
    }

    SpendBuckets copy() {
        SpendBuckets c = new SpendBuckets();
        c.addAll(this);
        return c;
    }

    void addAll(SpendBuckets other) {
        other.minutes.forEach((m, b) -> merge(m, b[0], b[1]));
    }

    /** Drops the minutes that ended before {@code time}. */
    void dropBefore(long time) {
        minutes.headMap(Math.floorDiv(time, BUCKET_MS)).clear();
    }

    boolean isEmpty() {
        return minutes.isEmpty();
    }

    public long total() {
        return minutes.values().stream().mapToLong(b -> b[0]).sum();
    }

    /** Each minute's seconds as usage at the time of its latest record, oldest first. */
    List<SpendBudget.Usage> usage() {
        List<SpendBudget.Usage> out = new ArrayList<>(minutes.size());
        minutes.values().forEach(b -> out.add(new SpendBudget.Usage(b[1], (int) Math.min(Integer.MAX_VALUE, b[0]))));
        return out;
    }

    String encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long previous = minutes.isEmpty() ? 0 : minutes.firstKey();
        writeVarLong(out, previous);
        for (Map.Entry<Long, long[]> e : minutes.entrySet()) {
            writeVarLong(out, e.getKey() - previous);
            writeVarLong(out, e.getValue()[0]);
            writeVarLong(out, (e.getValue()[1] - e.getKey() * BUCKET_MS) / 1_000);
            previous = e.getKey();
        }
        return Base64.getEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /**
     * @throws IllegalArgumentException when the text is not an encoding of buckets
     */
    static SpendBuckets decode(String text) {
        SpendBuckets b = new SpendBuckets();
        if (text == null || text.isEmpty()) {
            return b;
        }
        byte[] bytes = Base64.getDecoder().decode(text);
        int[] at = {0};
        long minute = readVarLong(bytes, at);
        while (at[0] < bytes.length) {
            minute += readVarLong(bytes, at);
            long seconds = readVarLong(bytes, at);
            long second = readVarLong(bytes, at);
            if (second >= BUCKET_MS / 1_000) {
                throw new IllegalArgumentException("malformed spend buckets");
            }
            b.merge(minute, seconds, minute * BUCKET_MS + second * 1_000 + 999);
        }
        return b;
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                throw new IllegalArgumentException("truncated spend buckets");
            }
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint in spend buckets");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpendBuckets other && usage().equals(other.usage());
    }

    @Override
    public int hashCode() {
        return usage().hashCode();
    }

    @Override
    public String toString() {
        return total() + " s in " + minutes.size() + " min";
    }
}
