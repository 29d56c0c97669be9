package io.ltx2.connect.callback;

import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CallbackReceiversTest {

    @Test
    void tasksOfAJvmShareOneReceiverPerAddressWhichStopsWithTheLastLease() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        CallbackReceivers.Settings settings = new CallbackReceivers.Settings("127.0.0.1", port, new Password("token-0123456789abc"),
                null, "X-Signature-256", 4096, "tasks", Map.of());
        java.util.function.Supplier<CallbackWriter> factory = () -> {
            writers.incrementAndGet();
            return new CallbackWriter() {
                @Override
                public Future<?> write(TrackingRecord record) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        };
        int before = CallbackReceivers.running();
        CallbackReceivers.Lease a = CallbackReceivers.acquire(settings, factory);
        CallbackReceivers.Lease b = CallbackReceivers.acquire(settings, factory);
        assertThat(CallbackReceivers.running()).isEqualTo(before + 1);
        assertThat(writers).hasValue(1);
        assertThat(a.address()).isEqualTo("127.0.0.1:" + port);
        a.close();
        a.close(); // idempotent
        assertThat(CallbackReceivers.running()).isEqualTo(before + 1);
        assertThat(closed).hasValue(0);
        b.close();
        assertThat(closed).hasValue(1);
        assertThat(CallbackReceivers.running()).isEqualTo(before);
        // The port is free again (the listener thread lets go of it asynchronously).
        int freed = port;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
            try (java.net.ServerSocket s = new java.net.ServerSocket(freed, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                assertThat(s.getLocalPort()).isEqualTo(freed);
            }
        });
        // And a new lease right after the last one closed gets a receiver again on the same port.
        CallbackReceivers.Lease again = CallbackReceivers.acquire(settings, factory);
        again.close();
        CallbackReceivers.Lease third = CallbackReceivers.acquire(settings, factory);
        assertThat(third.address()).isEqualTo("127.0.0.1:" + port);
        third.close();
    }
}
