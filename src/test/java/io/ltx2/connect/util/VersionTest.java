package io.ltx2.connect.util;

import io.ltx2.connect.LtxSinkConnector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {
    @Test
    void versionIsTheFilteredProjectVersion() {
        assertThat(Version.get()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
        assertThat(new LtxSinkConnector().version()).isEqualTo(Version.get());
    }
}
