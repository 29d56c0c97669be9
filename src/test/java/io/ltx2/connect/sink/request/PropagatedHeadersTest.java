package io.ltx2.connect.sink.request;

import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

public class PropagatedHeadersTest {

    @Test
    void namedHeadersCaseInsensitiveAndPatternMatchesTravelAsText() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString("TraceParent", "00-abc-def-01");
        h.addBytes("x-correlation-id", "c-7".getBytes(StandardCharsets.UTF_8));
        h.addString("x-internal", "secret routing");
        h.addString("tracestate", "a".repeat(PropagatedHeaders.MAX_VALUE_CHARS + 1));

        PropagatedHeaders chosen = new PropagatedHeaders(List.of("traceparent", " tracestate "), "x-correlation-.*");

        assertThat(chosen.select(h)).containsOnlyKeys("TraceParent", "x-correlation-id")
                .containsEntry("x-correlation-id", "c-7");
    }

    @Test
    void nothingChosenCarriesNothing() {
        ConnectHeaders h = new ConnectHeaders();
        h.addString("traceparent", "00-abc-def-01");
        assertThat(new PropagatedHeaders(List.of(), null).select(h)).isEmpty();
        assertThat(new PropagatedHeaders(List.of("traceparent"), null).select(null)).isEmpty();
    }
}
