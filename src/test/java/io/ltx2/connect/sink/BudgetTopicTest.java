package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.TrackingWriter;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spend checkpoint topic: created compacted when missing, a clear error when it cannot be, read whole, never overwritten by a zombie. */
class BudgetTopicTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aMissingTopicIsCreatedCompactedWithOnePartitionAndAnExistingOneIsLeftAlone() throws Exception {
        try (MockAdminClient admin = MockAdminClient.create().numBrokers(1).defaultReplicationFactor(1).build()) {
            BudgetTopic.ensure(admin, "t.budget", Optional.empty(), TIMEOUT);
            TopicDescription d = admin.describeTopics(List.of("t.budget")).allTopicNames().get().get("t.budget");
            assertThat(d.partitions()).hasSize(1);
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t.budget"))).all().get().values()
                    .iterator().next().get("cleanup.policy").value()).isEqualTo("compact");
            BudgetTopic.ensure(admin, "t.budget", Optional.empty(), TIMEOUT);
        }
    }

    @Test
    void aTopicThatCannotBeCreatedFailsTheStartNamingWhatToDo() {
        try (MockAdminClient admin = MockAdminClient.create().numBrokers(1).build()) {
            assertThatThrownBy(() -> BudgetTopic.ensure(admin, "t.budget", Optional.of((short) 3), TIMEOUT))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("t.budget").hasMessageContaining("cannot be created")
                    .hasMessageContaining("cleanup.policy=compact").hasMessageContaining("ltx.sink.budget.topic");
        }
    }

    @Test
    void theLatestCheckpointOfEachIndexIsReadAndALaterInstanceStopsAnEarlierOnesWrites() {
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        BudgetCheckpoint old = new BudgetCheckpoint("c", 0, 100, 1_000, new SpendBuckets(), List.of());
        BudgetCheckpoint newer = new BudgetCheckpoint("c", 0, 100, 2_000, new SpendBuckets(), List.of());
        BudgetCheckpoint other = new BudgetCheckpoint("c", 1, 100, 1_500, new SpendBuckets(), List.of());
        for (BudgetCheckpoint c : List.of(old, newer, other)) {
            log.add(new ConsumerRecord<>("b", 0, log.size(), c.key().getBytes(StandardCharsets.UTF_8), c.encode()));
        }
        log.add(new ConsumerRecord<>("b", 0, log.size(), "c:2".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8)));
        ScanConsumer consumer = new ScanConsumer("b", log);
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        TrackingFeed feed = new TrackingFeed("tracking", () -> consumer, () -> 0L);
        BudgetTopic topic = new BudgetTopic("b", feed, new TrackingWriter("tracking", producer), "c", 0, 200);
        Map<Integer, BudgetCheckpoint> read = topic.readAll("c", TIMEOUT);
        assertThat(read).containsOnlyKeys(0, 1);
        assertThat(read.get(0).time()).isEqualTo(2_000);

        topic.write(new BudgetCheckpoint("c", 0, 200, 3_000, new SpendBuckets(), List.of()));
        assertThat(producer.history()).hasSize(1);
        BudgetCheckpoint successor = new BudgetCheckpoint("c", 0, 300, 3_500, new SpendBuckets(), List.of());
        consumer.append(new ConsumerRecord<>("b", 0, 4, successor.key().getBytes(StandardCharsets.UTF_8), successor.encode()));
        feed.poll(); // the task's next put
        topic.write(new BudgetCheckpoint("c", 0, 200, 4_000, new SpendBuckets(), List.of()));
        assertThat(producer.history()).as("a zombie does not hide its successor's spend").hasSize(1);
    }
}
