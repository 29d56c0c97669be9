package io.ltx2.connect.tracking;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestIdentityTest {

    @Test
    void keyParsesBackEvenWhenTheConnectorNameHoldsTheSeparator() {
        RequestIdentity id = new RequestIdentity("team:a/sink 1", "orders.v2_x-y", 3, 1_234_567_890_123L);
        assertThat(RequestIdentity.parse(id.key())).isEqualTo(id);
    }

    @Test
    void malformedKeysAreRefusedWithTheReason() {
        for (String bad : new String[]{"", "a:b:c", "c:t:p:o", "c:t:-1:5", ":t:1:2x", "c::1:2"}) {
            assertThatThrownBy(() -> RequestIdentity.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("request identity");
        }
    }

    @Test
    void callbackUrlKeepsItsTokenAndAddsTheIdentity() {
        RequestIdentity id = new RequestIdentity("sink&co", "requests", 0, 42);
        String path = id.appendTo("https://hooks.example.com/callback/secret-token-1234");
        String query = id.appendTo("https://hooks.example.com/callback?token=secret-token-1234#frag");

        assertThat(path).startsWith("https://hooks.example.com/callback/secret-token-1234?rid=");
        assertThat(query).startsWith("https://hooks.example.com/callback?token=secret-token-1234&rid=").endsWith("#frag");
        String rid = URI.create(path).getRawQuery().substring("rid=".length());
        assertThat(RequestIdentity.parse(URLDecoder.decode(rid, StandardCharsets.UTF_8))).isEqualTo(id);
    }
}
