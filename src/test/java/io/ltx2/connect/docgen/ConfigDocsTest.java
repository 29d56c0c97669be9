package io.ltx2.connect.docgen;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDocsTest {

    @Test
    void committedReferenceMatchesTheConfigDefs() throws Exception {
        String committed = Files.readString(Path.of("docs/config-reference.md"), StandardCharsets.UTF_8);
        assertThat(committed)
                .as("docs/config-reference.md is stale: regenerate it with "
                        + "mvn -q test-compile exec:java -Dexec.mainClass=io.ltx2.connect.docgen.ConfigDocs -Dexec.args=docs/config-reference.md")
                .isEqualTo(ConfigDocs.reference());
    }

    @Test
    void everyKeyOfBothConnectorsIsDocumentedWithItsGroup() {
        String reference = ConfigDocs.reference();
        for (var def : ConfigDocs.connectors().values()) {
            def.configKeys().values().forEach(key -> {
                assertThat(reference).contains("`" + key.name + "`");
                assertThat(key.documentation).as("doc of %s", key.name).isNotBlank();
                assertThat(key.group).as("group of %s", key.name).isNotBlank();
            });
        }
    }
}
