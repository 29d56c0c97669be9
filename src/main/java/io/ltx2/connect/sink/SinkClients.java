package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a sink task gets its clients and its clock: the real ones in a worker, fakes (Kafka's
 * MockProducer and MockConsumer, the project's simulator) in unit tests.
 */
interface SinkClients {
    SinkClients REAL = new SinkClients() {
    };

    default LtxApiClient apiClient(ApiClientSettings settings) {
        return new LtxApiClient(settings);
    }

    default Producer<String, byte[]> producer(Map<String, Object> props) {
        return new KafkaProducer<>(props);
    }

    default Consumer<byte[], byte[]> consumer(Map<String, Object> props) {
        return new KafkaConsumer<>(props);
    }

    default Admin admin(Map<String, Object> props) {
        return Admin.create(props);
    }

    default LongSupplier clock() {
        return System::currentTimeMillis;
    }
}
