package io.ltx2.connect.simulation;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Map;

/** What a simulated task instance gets instead of real clients, threads and clock: one process of the simulation. */
public interface TaskWorld {
    TaskEnvironment environment();

    Producer<String, byte[]> producer(Map<String, Object> props);

    Consumer<byte[], byte[]> consumer(Map<String, Object> props);

    TopicIds topicIds();

    LtxApiClient apiClient(ApiClientSettings settings);
}
