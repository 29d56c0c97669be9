package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.simulation.TaskWorld;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Map;

/** Builds the sink task the protocol simulation ({@code io.ltx2.connect.simulation}) runs, over its virtual world. */
public final class SimulatedSinkTasks {

    private SimulatedSinkTasks() {
    }

    public static SinkTask create(TaskWorld world) {
        return new LtxSinkTask(new SinkClients() {
            @Override
            public LtxApiClient apiClient(ApiClientSettings settings) {
                return world.apiClient(settings);
            }

            @Override
            public Producer<String, byte[]> producer(Map<String, Object> props) {
                return world.producer(props);
            }

            @Override
            public Consumer<byte[], byte[]> consumer(Map<String, Object> props) {
                return world.consumer(props);
            }

            @Override
            public Admin admin(Map<String, Object> props) {
                throw new UnsupportedOperationException("the simulation runs without cost controls");
            }

            @Override
            public TopicIds topicIds(java.util.function.Supplier<org.apache.kafka.clients.admin.Admin> admin, String withoutId) {
                return world.topicIds();
            }

            @Override
            public TaskEnvironment environment() {
                return world.environment();
            }
        });
    }
}
