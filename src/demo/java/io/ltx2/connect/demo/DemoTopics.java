package io.ltx2.connect.demo;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The demo's (and the real-worker test's) own Kafka work: topics, request records, record counts. */
final class DemoTopics {

    private DemoTopics() {
    }

    /** Creates the topics that do not exist yet, with the cluster's default replication (1 on the demo's broker). */
    static void create(String bootstrap, List<String> topics, int partitions, String dlqTopic) {
        List<NewTopic> wanted = new ArrayList<>();
        topics.forEach(t -> wanted.add(new NewTopic(t, Optional.of(partitions), Optional.empty())));
        if (dlqTopic != null) {
            wanted.add(new NewTopic(dlqTopic, Optional.of(1), Optional.empty()));
        }
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(wanted).values().forEach((topic, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create topic " + topic, e);
                }
            });
        }
    }

    /** Records now in the topic (end minus start offsets over all partitions). */
    static long recordCount(String bootstrap, String topic) {
        try (Admin admin = admin(bootstrap)) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            });
            return sum(admin.listOffsets(latest)) - sum(admin.listOffsets(earliest));
        } catch (Exception e) {
            throw new IllegalStateException("cannot count the records of " + topic, e);
        }
    }

    /** Writes the requests (key = request id, value = JSON) and waits until all are acknowledged. */
    static void produce(String bootstrap, String topic, List<SampleRequest> requests) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "ltx-demo-requests"), new StringSerializer(), new StringSerializer())) {
            for (SampleRequest request : requests) {
                producer.send(new ProducerRecord<>(topic, request.requestId(), request.json()));
            }
            producer.flush();
        }
    }

    private static long sum(ListOffsetsResult result) throws Exception {
        return result.all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
