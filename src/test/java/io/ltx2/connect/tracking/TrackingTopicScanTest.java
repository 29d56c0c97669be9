package io.ltx2.connect.tracking;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackingTopicScanTest {

    @Test
    void transientClusterTimeoutIsRetriableNotFatal() {
        MockConsumer<byte[], byte[]> slowCluster = new MockConsumer<>("earliest") {
            @Override
            public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> query, Duration timeout) {
                throw new TimeoutException("Failed to get offsets by times in 60000ms");
            }
        };
        slowCluster.updatePartitions("tracking", List.of(new PartitionInfo("tracking", 0, null, null, null)));

        assertThatThrownBy(() -> TrackingTopicScan.readSince(slowCluster, "tracking", 1_000, Duration.ofSeconds(1), "Restart scan", r -> { }))
                .isInstanceOf(RetriableException.class).hasMessageContaining("Restart scan").hasMessageContaining("will retry");
    }

    @Test
    void missingTopicIsReportedNotScanned() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        assertThat(TrackingTopicScan.readSince(consumer, "absent", 0, Duration.ofSeconds(1), "scan", r -> { }).topicExists()).isFalse();
    }
}
