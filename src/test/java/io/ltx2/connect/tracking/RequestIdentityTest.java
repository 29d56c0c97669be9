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

    /**
     * Issue 24 item 2 (found by the protocol simulation, seed 12): the callback URL named no input topic id, so the
     * CALLBACK record of a deleted topic's request matched the request now at its coordinates (the new request adopted
     * the old task). The URL carries the id; the receiver's record names it.
     */
    @Test
    void aCallbackUrlCarriesTheInputTopicIdSoItsRecordNamesTheRequestOfThatTopic() throws Exception {
        RequestIdentity id = new RequestIdentity("sink", "requests", 0, 42, "topic-id-2");
        String url = id.appendTo("https://hooks.example.com/callback/secret-token-1234");
        String rid = null;
        String rtid = null;
        for (String p : URI.create(url).getRawQuery().split("&")) {
            String value = URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8);
            if (p.startsWith(RequestIdentity.CALLBACK_PARAM + "=")) {
                rid = value;
            } else if (p.startsWith(RequestIdentity.CALLBACK_TOPIC_ID_PARAM + "=")) {
                rtid = value;
            }
        }
        TrackingRecord callback = io.ltx2.connect.callback.CallbackRecordReader.read("{\"taskId\":\"t1\",\"state\":\"success\"}"
                .getBytes(StandardCharsets.UTF_8), rid, rtid, 1L, io.ltx2.connect.util.Redaction.NONE);
        assertThat(callback.identity()).isEqualTo(id).isNotEqualTo(id.withTopicId("topic-id-1"));
        assertThat(callback.key()).as("the same partition as the request's other records").isEqualTo(id.key());
    }
}
