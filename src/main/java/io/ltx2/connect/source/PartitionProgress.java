package io.ltx2.connect.source;

import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress on one tracking partition, which is also its Connect source offset: the
 * <em>watermark</em> (lowest offset not yet resolved; everything below is done) and the set of
 * resolved offsets above it. The set is kept as a bitmap relative to the watermark, and is
 * bounded by what can be resolved while the oldest outstanding task is pending (throughput x task
 * time-out), never by the length of the topic.
 *
 * <p>Encoded form ({@link #toOffset()}): {@code {"v": 1, "watermark": long, "resolved": string}},
 * where {@code resolved} is empty, {@code "r:<gap>+<len>,..."} (runs of resolved offsets; each gap
 * counted from the end of the previous run, the first from the watermark) or {@code "b:<base64>"}
 * (little-endian bitmap, bit i = offset watermark + i), whichever is shorter.
 */
public final class PartitionProgress {
    public static final String VERSION_KEY = "v";
    public static final String WATERMARK_KEY = "watermark";
    public static final String RESOLVED_KEY = "resolved";
    static final int FORMAT_VERSION = 1;

    private long watermark;
    /** Bit i: offset watermark + i is resolved. Bit 0 is always clear (else the watermark moves). */
    private BitSet above;

    public PartitionProgress(long watermark) {
        this(watermark, new BitSet());
    }

    private PartitionProgress(long watermark, BitSet above) {
        if (watermark < 0) {
            throw new IllegalArgumentException("watermark must be >= 0, was " + watermark);
        }
        this.watermark = watermark;
        this.above = above;
        advance();
    }

    public long watermark() {
        return watermark;
    }

    public boolean isResolved(long offset) {
        if (offset < watermark) {
            return true;
        }
        long i = offset - watermark;
        return i < Integer.MAX_VALUE && above.get((int) i);
    }

    /** Marks one offset resolved; offsets below the watermark are ignored. */
    public void resolve(long offset) {
        resolveRange(offset, offset + 1);
    }

    /** Marks {@code [from, to)} resolved: used for offsets that hold no record (transaction markers, compacted). */
    public void resolveRange(long from, long to) {
        long start = Math.max(from, watermark);
        if (start >= to) {
            return;
        }
        long fromIndex = start - watermark;
        long toIndex = to - watermark;
        if (toIndex > Integer.MAX_VALUE) {
            throw new IllegalStateException("resolved offsets too far above the watermark " + watermark + ": " + to);
        }
        above.set((int) fromIndex, (int) toIndex);
        advance();
    }

    /** Number of resolved offsets held above the watermark. */
    public int resolvedAboveWatermark() {
        return above.cardinality();
    }

    private void advance() {
        int run = above.nextClearBit(0);
        if (run > 0) {
            watermark += run;
            above = above.get(run, Math.max(run, above.length()));
        }
    }

    /** The Connect source offset for this progress. */
    public Map<String, Object> toOffset() {
        Map<String, Object> offset = new HashMap<>();
        offset.put(VERSION_KEY, FORMAT_VERSION);
        offset.put(WATERMARK_KEY, watermark);
        offset.put(RESOLVED_KEY, encodeResolved(above));
        return offset;
    }

    /**
     * Reads a source offset written by {@link #toOffset()} (or given by a user through the REST
     * API: {@code watermark} alone is enough).
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static PartitionProgress fromOffset(Map<String, ?> offset) {
        if (offset == null) {
            throw new IllegalArgumentException("offset is null");
        }
        for (String key : offset.keySet()) {
            if (!key.equals(VERSION_KEY) && !key.equals(WATERMARK_KEY) && !key.equals(RESOLVED_KEY)) {
                throw new IllegalArgumentException("unknown offset key '" + key + "'; expected " + WATERMARK_KEY
                        + " (required), " + RESOLVED_KEY + " and " + VERSION_KEY);
            }
        }
        Object v = offset.get(VERSION_KEY);
        if (v != null && (!(v instanceof Number n) || n.longValue() != FORMAT_VERSION)) {
            throw new IllegalArgumentException("unsupported offset format version " + v + "; expected " + FORMAT_VERSION);
        }
        Object w = offset.get(WATERMARK_KEY);
        if (!(w instanceof Number number) || w instanceof Double || w instanceof Float) {
            throw new IllegalArgumentException("offset key '" + WATERMARK_KEY + "' must be an integer (the lowest tracking offset "
                    + "not yet resolved), was " + (w == null ? "missing" : w.getClass().getSimpleName() + " " + w));
        }
        long watermark = number.longValue();
        if (watermark < 0) {
            throw new IllegalArgumentException("offset key '" + WATERMARK_KEY + "' must be >= 0, was " + watermark);
        }
        Object r = offset.get(RESOLVED_KEY);
        if (r != null && !(r instanceof String)) {
            throw new IllegalArgumentException("offset key '" + RESOLVED_KEY + "' must be a string, was " + r.getClass().getSimpleName());
        }
        return new PartitionProgress(watermark, decodeResolved((String) r));
    }

    static String encodeResolved(BitSet bits) {
        if (bits.isEmpty()) {
            return "";
        }
        StringBuilder runs = new StringBuilder("r:");
        int end = 0;
        int budget = (bits.length() + 7) / 8 * 4 / 3 + 8; // a bitmap's size: stop building runs once they are longer
        for (int start = bits.nextSetBit(0); start >= 0; start = bits.nextSetBit(end)) {
            int stop = bits.nextClearBit(start);
            if (runs.length() > 2) {
                runs.append(',');
            }
            runs.append(start - end).append('+').append(stop - start);
            end = stop;
            if (runs.length() > budget) {
                break;
            }
        }
        String bitmap = "b:" + Base64.getEncoder().withoutPadding().encodeToString(bits.toByteArray());
        return runs.length() <= bitmap.length() && bits.nextSetBit(end) < 0 ? runs.toString() : bitmap;
    }

    static BitSet decodeResolved(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return new BitSet();
        }
        try {
            if (encoded.startsWith("b:")) {
                return BitSet.valueOf(Base64.getDecoder().decode(encoded.substring(2)));
            }
            if (encoded.startsWith("r:")) {
                BitSet bits = new BitSet();
                int end = 0;
                for (String run : encoded.substring(2).split(",")) {
                    int plus = run.indexOf('+');
                    int start = Math.addExact(end, Integer.parseInt(run.substring(0, plus)));
                    int length = Integer.parseInt(run.substring(plus + 1));
                    if (start < end || length <= 0) {
                        throw new IllegalArgumentException("bad run '" + run + "'");
                    }
                    bits.set(start, Math.addExact(start, length));
                    end = start + length;
                }
                return bits;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("offset key '" + RESOLVED_KEY + "' is not a valid encoding: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("offset key '" + RESOLVED_KEY + "' must be empty or start with 'r:' or 'b:'");
    }

    /** Offsets resolved above the watermark, for tests and logs. */
    List<Long> resolvedOffsets() {
        List<Long> out = new ArrayList<>();
        above.stream().forEach(i -> out.add(watermark + i));
        return out;
    }

    @Override
    public String toString() {
        return "watermark=" + watermark + ", resolvedAbove=" + above.cardinality();
    }
}
