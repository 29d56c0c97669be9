package io.ltx2.connect.simulation;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.tracking.TopicIds;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One task instance's process: its node (time, threads), and the clients it opened on the simulation's Kafka and API. */
final class SimProcess implements TaskWorld {
    final SimNode node;
    private final SimKafka kafka;
    private final VirtualApi api;
    private final VirtualTime time;
    private final Random random;
    private final List<SimProducer> producers = new ArrayList<>();
    final List<SimConsumer> consumers = new ArrayList<>();

    SimProcess(String name, VirtualTime time, SimKafka kafka, VirtualApi api, Random random) {
        this.node = new SimNode(name, time, random);
        this.time = time;
        this.kafka = kafka;
        this.api = api;
        this.random = random;
    }

    @Override
    public TaskEnvironment environment() {
        return node;
    }

    @Override
    public Producer<String, byte[]> producer(Map<String, Object> props) {
        SimProducer p = new SimProducer(kafka, node, time, random);
        producers.add(p);
        return p;
    }

    @Override
    public Consumer<byte[], byte[]> consumer(Map<String, Object> props) {
        SimConsumer c = new SimConsumer(kafka);
        consumers.add(c);
        return c;
    }

    @Override
    public TopicIds topicIds() {
        return topic -> kafka.exists(topic) ? kafka.topic(topic).id : null;
    }

    @Override
    public LtxApiClient apiClient(ApiClientSettings settings) {
        return new LtxApiClient(settings, node, api.exchange(node, settings.responseTimeout()));
    }

    /** The process dies: nothing of it runs any more; its writes in flight land or not. */
    void crash() {
        node.crash();
        producers.forEach(SimProducer::crashed);
    }
}
