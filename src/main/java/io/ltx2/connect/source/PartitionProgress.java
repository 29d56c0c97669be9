package io.ltx2.connect.source;

import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * (little-endian bitmap, bit i = offset watermark + i), whichever is shorter; and, when known,
 * {@code "topicId"}: the id of the tracking topic it was made on, so that a recreated topic is
 * not read from a stale watermark.
 *
 * <p>The span above the watermark is limited to {@link #MAX_SPAN} offsets: an encoding that
 * claims more is refused before anything is allocated (a REST offset such as
 * {@code "r:0+2147483647"} would otherwise cost a 256 MB bitmap), and the reader stops fetching a
 * partition whose span comes near it ({@link #nearSpanLimit()}), so the task never writes an
 * offset it could not read back. Offsets resolved further above (a gap of offsets without records,
 * such as those retention deleted) move the watermark up to them instead ({@link #resolveRange}).
 */
public final class PartitionProgress {
    public static final String VERSION_KEY = "v";
    public static final String WATERMARK_KEY = "watermark";
    public static final String RESOLVED_KEY = "resolved";
    public static final String TOPIC_ID_KEY = "topicId";
    static final int FORMAT_VERSION = 1;
    /** Most offsets above the watermark a progress may span (2^24: a 2 MB bitmap at most). */
    public static final int MAX_SPAN = 1 << 24;
    /** Span at which the reader stops fetching the partition until the watermark moves. */
    static final int SPAN_PAUSE = MAX_SPAN - (1 << 20);
    private static final Set<String> KEYS = Set.of(VERSION_KEY, WATERMARK_KEY, RESOLVED_KEY, TOPIC_ID_KEY);
    /** Longest base64 text of a bitmap within {@link #MAX_SPAN} bits. */
    private static final int MAX_BITMAP_CHARS = (MAX_SPAN / 8 + 2) / 3 * 4;

    private long watermark;
    private String topicId;
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

    /** Marks one offset resolved; offsets below the watermark are ignored. See {@link #resolveRange} for the return value. */
    public long resolve(long offset) {
        return resolveRange(offset, offset + 1);
    }

    /**
     * Marks {@code [from, to)} resolved: used for offsets that hold no record (transaction markers, compacted, deleted).
     * A range ending more than {@link #MAX_SPAN} offsets above the watermark moves the watermark to {@code to}, keeping
     * what is resolved above it: from at or below the watermark nothing is lost; from above it, the offsets not yet
     * resolved below {@code from} are passed over (when retention deleted the range they are gone too, so a restart could
     * not read them again anyway; their resolving later changes nothing).
     *
     * @return how many offsets not yet resolved the watermark passed over: 0 unless the range was beyond the span
     */
    public long resolveRange(long from, long to) {
        long start = Math.max(from, watermark);
        if (start >= to) {
            return 0;
        }
        long fromIndex = start - watermark;
        long toIndex = to - watermark;
        if (toIndex <= MAX_SPAN) {
            above.set((int) fromIndex, (int) toIndex);
            advance();
            return 0;
        }
        long passedOver = fromIndex - (fromIndex >= above.length() ? above.cardinality() : above.get(0, (int) fromIndex).cardinality());
        above = toIndex >= above.length() ? new BitSet() : above.get((int) toIndex, above.length());
        watermark = to;
        advance();
        return passedOver;
    }

    /** The id of the tracking topic this progress was made on; null when unknown. */
    public String topicId() {
        return topicId;
    }

    public void topicId(String id) {
        this.topicId = id;
    }

    /** True when the resolved offsets above the watermark span so much that reading further must wait for the watermark. */
    public boolean nearSpanLimit() {
        return above.length() >= SPAN_PAUSE;
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
        if (topicId != null) {
            offset.put(TOPIC_ID_KEY, topicId);
        }
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
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown offset key '" + key + "'; expected " + WATERMARK_KEY
                        + " (required), " + RESOLVED_KEY + ", " + TOPIC_ID_KEY + " and " + VERSION_KEY);
            }
        }
        Object v = offset.get(VERSION_KEY);
        if (v != null && (!(v instanceof Number n) || n.longValue() != FORMAT_VERSION)) {
            throw new IllegalArgumentException("unsupported offset format version " + v + "; expected " + FORMAT_VERSION);
        }
        PartitionProgress progress = new PartitionProgress(watermarkOf(offset.get(WATERMARK_KEY)),
                decodeResolved(stringOrNull(offset, RESOLVED_KEY)));
        progress.topicId = stringOrNull(offset, TOPIC_ID_KEY);
        return progress;
    }

    private static long watermarkOf(Object w) {
        if (!(w instanceof Number number) || w instanceof Double || w instanceof Float) {
            throw new IllegalArgumentException("offset key '" + WATERMARK_KEY + "' must be an integer (the lowest tracking offset "
                    + "not yet resolved), was " + (w == null ? "missing" : w.getClass().getSimpleName() + " " + w));
        }
        long watermark = number.longValue();
        if (watermark < 0) {
            throw new IllegalArgumentException("offset key '" + WATERMARK_KEY + "' must be >= 0, was " + watermark);
        }
        return watermark;
    }

    private static String stringOrNull(Map<String, ?> offset, String key) {
        Object value = offset.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("offset key '" + key + "' must be a string, was " + value.getClass().getSimpleName());
        }
        return (String) value;
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

    /** Reads {@code resolved}; checks the span against {@link #MAX_SPAN} before allocating anything. */
    static BitSet decodeResolved(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return new BitSet();
        }
        try {
            if (encoded.startsWith("b:")) {
                String base64 = encoded.substring(2);
                if (base64.length() > MAX_BITMAP_CHARS) {
                    throw tooWide("a bitmap of " + base64.length() + " base64 characters");
                }
                return BitSet.valueOf(Base64.getDecoder().decode(base64));
            }
            if (encoded.startsWith("r:")) {
                return decodeRuns(encoded.substring(2).split(","));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("offset key '" + RESOLVED_KEY + "' is not a valid encoding: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("offset key '" + RESOLVED_KEY + "' must be empty or start with 'r:' or 'b:'");
    }

    private static BitSet decodeRuns(String[] runs) {
        long[] starts = new long[runs.length];
        long[] lengths = new long[runs.length];
        long end = 0;
        for (int i = 0; i < runs.length; i++) {
            String run = runs[i];
            int plus = run.indexOf('+');
            long gap = Long.parseLong(run.substring(0, plus));
            long length = Long.parseLong(run.substring(plus + 1));
            if (gap < 0 || length <= 0) {
                throw new IllegalArgumentException("bad run '" + run + "'");
            }
            starts[i] = end + gap;
            lengths[i] = length;
            end = starts[i] + length;
            if (gap > MAX_SPAN || length > MAX_SPAN || end > MAX_SPAN) {
                throw tooWide("runs reaching " + (gap > MAX_SPAN || length > MAX_SPAN ? "beyond that" : end + " offsets above it"));
            }
        }
        BitSet bits = new BitSet((int) end);
        for (int i = 0; i < runs.length; i++) {
            bits.set((int) starts[i], (int) (starts[i] + lengths[i]));
        }
        return bits;
    }

    private static IllegalArgumentException tooWide(String what) {
        return new IllegalArgumentException("resolved offsets may span at most " + MAX_SPAN + " offsets above the watermark; got " + what);
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
