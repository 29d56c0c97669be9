package io.ltx2.connect.source;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionProgressTest {

    @Test
    void watermarkAdvancesOverContiguousResolvedOffsets() {
        PartitionProgress p = new PartitionProgress(10);
        p.resolve(11);
        p.resolve(13);
        assertThat(p.watermark()).isEqualTo(10);
        assertThat(p.isResolved(11)).isTrue();
        assertThat(p.isResolved(12)).isFalse();
        p.resolve(10);
        assertThat(p.watermark()).isEqualTo(12);
        p.resolve(12);
        assertThat(p.watermark()).isEqualTo(14);
        assertThat(p.resolvedAboveWatermark()).isZero();
        assertThat(p.isResolved(5)).isTrue();
    }

    @Test
    void gapRangesAreResolvedAndOffsetsBelowTheWatermarkIgnored() {
        PartitionProgress p = new PartitionProgress(100);
        p.resolveRange(90, 105);
        assertThat(p.watermark()).isEqualTo(105);
        p.resolveRange(107, 110);
        assertThat(p.resolvedOffsets()).containsExactly(107L, 108L, 109L);
    }

    @Test
    void offsetRoundTripKeepsWatermarkAndResolvedSet() {
        PartitionProgress p = new PartitionProgress(1000);
        for (long o : List.of(1002L, 1003L, 1004L, 1010L, 1500L)) {
            p.resolve(o);
        }
        Map<String, Object> offset = p.toOffset();
        assertThat(offset).containsEntry("watermark", 1000L).containsEntry("v", 1);
        assertThat((String) offset.get("resolved")).isEqualTo("r:2+3,5+1,489+1");
        PartitionProgress back = PartitionProgress.fromOffset(offset);
        assertThat(back.watermark()).isEqualTo(1000);
        assertThat(back.resolvedOffsets()).containsExactly(1002L, 1003L, 1004L, 1010L, 1500L);
    }

    @Test
    void bitmapEncodingIsUsedWhenShorterAndRoundTrips() {
        PartitionProgress p = new PartitionProgress(0);
        for (long o = 1; o < 2000; o += 2) {
            p.resolve(o); // every other offset: 1000 runs, a 250-byte bitmap is shorter
        }
        String resolved = (String) p.toOffset().get("resolved");
        assertThat(resolved).startsWith("b:");
        PartitionProgress back = PartitionProgress.fromOffset(p.toOffset());
        assertThat(back.resolvedOffsets()).isEqualTo(p.resolvedOffsets());
        assertThat(back.watermark()).isZero();
    }

    @Test
    void hundredThousandResolvedOffsetsBehindOneOutstandingGiveASmallOffset() {
        PartitionProgress p = new PartitionProgress(0);
        for (long o = 1; o <= 100_000; o++) {
            p.resolve(o);
        }
        Map<String, Object> offset = p.toOffset();
        assertThat(p.watermark()).isZero();
        assertThat((String) offset.get("resolved")).isEqualTo("r:1+100000");
        p.resolve(0);
        assertThat(p.watermark()).isEqualTo(100_001);
        assertThat((String) p.toOffset().get("resolved")).isEmpty();
    }

    @Test
    void worstCasePatternStaysBoundedByTheSpanNotTheCount() {
        PartitionProgress p = new PartitionProgress(0);
        for (long o = 1; o <= 100_000; o++) {
            if (o % 3 != 0) {
                p.resolve(o);
            }
        }
        // 100,000 offsets above the watermark: at most one bit each, base64 -> under 17 kB.
        assertThat(((String) p.toOffset().get("resolved")).length()).isLessThan(17_000);
        assertThat(PartitionProgress.fromOffset(p.toOffset()).resolvedAboveWatermark()).isEqualTo(p.resolvedAboveWatermark());
    }

    @Test
    void userOffsetWithWatermarkOnlyIsAccepted() {
        PartitionProgress p = PartitionProgress.fromOffset(Map.of("watermark", 42));
        assertThat(p.watermark()).isEqualTo(42);
        assertThat(p.resolvedAboveWatermark()).isZero();
    }

    @Test
    void badOffsetsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of())).hasMessageContaining("watermark").hasMessageContaining("missing");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", "12"))).hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", -1L))).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 1L, "offset", 3))).hasMessageContaining("unknown offset key 'offset'")
                .hasMessageContaining("topicId");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 1L, "resolved", "x:1"))).hasMessageContaining("resolved");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 1L, "resolved", "r:1+0"))).hasMessageContaining("resolved");
        Map<String, Object> v2 = new HashMap<>(Map.of("watermark", 1L, "v", 2));
        assertThatThrownBy(() -> PartitionProgress.fromOffset(v2)).hasMessageContaining("version");
    }

    @Test
    void theTopicIdTravelsWithTheOffsetAndMustBeAString() {
        PartitionProgress p = new PartitionProgress(7);
        assertThat(p.toOffset()).doesNotContainKey("topicId");
        p.topicId("AbCdEf");
        PartitionProgress back = PartitionProgress.fromOffset(p.toOffset());
        assertThat(back.topicId()).isEqualTo("AbCdEf");
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 1L, "topicId", 5)))
                .hasMessageContaining("'topicId' must be a string");
    }

    /** A REST offset claiming a huge span is refused before anything is allocated (it once cost a 256 MB bitmap). */
    @Test
    void aResolvedSetSpanningMoreThanTheLimitIsRefusedFastAndSmall() {
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        long started = System.nanoTime();
        for (String huge : List.of("r:0+2147483647", "r:0+1,16777216+1", "r:9223372036854775807+1", "r:16777215+2")) {
            assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 0L, "resolved", huge)))
                    .as(huge).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 16777216 offsets");
        }
        String bitmap = "b:" + "A".repeat(PartitionProgress.MAX_SPAN / 6 + 8);
        assertThatThrownBy(() -> PartitionProgress.fromOffset(Map.of("watermark", 0L, "resolved", bitmap)))
                .hasMessageContaining("at most 16777216 offsets").hasMessageContaining("base64 characters");
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long grewBy = rt.totalMemory() - rt.freeMemory() - before;
        assertThat(elapsedMs).as("refused without building anything").isLessThan(2_000);
        assertThat(grewBy).as("no 256 MB bitmap was allocated").isLessThan(64L << 20);
    }

    @Test
    void spansUpToTheLimitAreAcceptedAndTheReaderIsToldWhenItComesNear() {
        PartitionProgress p = PartitionProgress.fromOffset(Map.of("watermark", 0L, "resolved", "r:16777215+1"));
        assertThat(p.isResolved(16_777_215)).isTrue();
        assertThat(p.nearSpanLimit()).isTrue();
        assertThat(new PartitionProgress(0).nearSpanLimit()).isFalse();
        assertThat(p.resolve(16_777_216)).as("beyond the span: the watermark passes over offsets 0..16777214").isEqualTo(16_777_215);
        assertThat(p.watermark()).isEqualTo(16_777_217);
    }

    /** Retention removed 2^25 offsets past the stored watermark 100; the consumer reset to the log start. */
    @Test
    void aRangeFromTheWatermarkMovesItHoweverFarItReaches() {
        PartitionProgress p = new PartitionProgress(100);
        p.resolve(105);
        long logStart = 100 + (1L << 25);
        assertThat(p.resolveRange(100, logStart)).as("nothing unresolved passed over").isZero();
        assertThat(p.watermark()).isEqualTo(logStart);
        assertThat(p.resolvedAboveWatermark()).isZero();
        assertThat(PartitionProgress.fromOffset(p.toOffset()).watermark()).isEqualTo(logStart);

        PartitionProgress near = new PartitionProgress(100);
        near.resolve(130);
        near.resolve(132);
        near.resolveRange(90, 120);
        assertThat(near.watermark()).isEqualTo(120);
        assertThat(near.resolvedOffsets()).as("the resolved offsets above stay, relative to the new watermark").containsExactly(130L, 132L);
    }

    /** Records deleted under outstanding requests: reaching past them must not throw; the watermark passes over them. */
    @Test
    void aGapAboveOutstandingOffsetsThatWouldExceedTheSpanMovesTheWatermarkOverThem() {
        PartitionProgress p = new PartitionProgress(0);
        p.resolve(1); // 0 and 2 are records of outstanding requests
        long end = 3 + PartitionProgress.MAX_SPAN;
        assertThat(p.resolveRange(3, end)).as("offsets 0 and 2").isEqualTo(2);
        assertThat(p.watermark()).isEqualTo(end);
        assertThat(p.resolvedAboveWatermark()).isZero();
        p.resolve(0); // the outstanding request resolves later: nothing to do, it is below the watermark
        assertThat(p.watermark()).isEqualTo(end);
        p.resolve(end + 2);
        p.resolve(end);
        assertThat(p.watermark()).isEqualTo(end + 1);
        assertThat(p.resolvedOffsets()).containsExactly(end + 2);
    }
}
