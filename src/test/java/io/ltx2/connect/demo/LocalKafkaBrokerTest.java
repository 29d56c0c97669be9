package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LocalKafkaBrokerTest {

    /** One base64url id in 64 starts with '-', which kafka.tools.StorageTool would take for an option. */
    @Test
    void clusterIdsAreKraftIdsTheStorageToolTakesAsAnArgument() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = LocalKafkaBroker.newClusterId();
            assertThat(id).hasSize(22).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
            ids.add(id);
        }
        assertThat(ids).hasSize(2_000);
    }
}
