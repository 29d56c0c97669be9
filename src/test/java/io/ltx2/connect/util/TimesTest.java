package io.ltx2.connect.util;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimesTest {

    @Test
    void sumsThatFitAreExact() {
        assertThat(Times.plus(1_700_000_000_000L, 30 * 60_000L)).isEqualTo(1_700_001_800_000L);
        assertThat(Times.plus(5, -3)).isEqualTo(2);
        assertThat(Times.plus(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aLookBackNeverStartsBeforeTheEpoch() {
        assertThat(Times.since(1_700_000_000_000L, 60_000L)).isEqualTo(1_699_999_940_000L);
        assertThat(Times.since(1_700_000_000_000L, Long.MAX_VALUE)).isZero();
    }

    @Test
    void sumsThatWouldOverflowSaturate() {
        assertThat(Times.plus(1_700_000_000_000L, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Times.plus(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Times.plus(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    }
}
