package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.tracking.AdminTopicIds;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a sink task gets its clients, its clock and its threads: the real ones in a worker, fakes
 * (Kafka's MockProducer and MockConsumer, the project's simulator, the protocol simulation's virtual
 * time) in tests.
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

    /** How input topic ids are told (by the task's Admin client {@code admin} gives, by default). */
    default TopicIds topicIds(Supplier<Admin> admin, String withoutId) {
        return AdminTopicIds.shared(admin, withoutId);
    }

    default TaskEnvironment environment() {
        return TaskEnvironment.SYSTEM;
    }

    default LongSupplier clock() {
        TaskEnvironment env = environment();
        return env::currentTimeMillis;
    }
}
