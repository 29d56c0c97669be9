package io.ltx2.connect.sink;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink's reader of RETRY records: a passing Kafka error leaves it for the next put (the source
 * asks again), but a refused read is no passing trouble: it fails the task, naming the missing ACL,
 * instead of a WARN on every put while retries are never read (SecuredClusterIT shows it on a broker).
 */
class RetryRequestsTest {

    @Test
    void passingKafkaErrorIsLeftForTheNextPut() {
        ScanConsumer consumer = new ScanConsumer("tracking", new ArrayList<>());
        try (TrackingFeed feed = new TrackingFeed("tracking", () -> consumer, () -> 0L)) {
            RetryRequests retries = new RetryRequests("sink", feed);
            assertThat(retries.poll()).isEmpty();
            consumer.setPollException(new KafkaException("the broker went away"));
            assertThat(retries.poll()).isEmpty();
        }
    }

    @Test
    void refusedReadFailsNamingTheAcl() {
        ScanConsumer consumer = new ScanConsumer("tracking", new ArrayList<>());
        try (TrackingFeed feed = new TrackingFeed("tracking", () -> consumer, () -> 0L)) {
            RetryRequests retries = new RetryRequests("sink", feed);
            assertThat(retries.poll()).isEmpty();
            consumer.setPollException(new TopicAuthorizationException(Set.of("tracking")));
            assertThatThrownBy(retries::poll).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("may not read topic tracking").hasMessageContaining("grant it Read on topic tracking")
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    /**
     * Issue 24 item 9: while the tracking cluster cannot answer, a put asked it for the topic's metadata every time (a new
     * consumer each time, each ask blocking up to 30 s); it asks again only after a pause.
     */
    @Test
    void aClusterThatCannotAnswerIsAskedAgainOnlyAfterAPause() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        ScanConsumer down = new ScanConsumer("tracking", new ArrayList<>()) {
            @Override
            public java.util.List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic, java.time.Duration timeout) {
                asked.incrementAndGet();
                throw new org.apache.kafka.common.errors.TimeoutException("Topic tracking not present in metadata");
            }
        };
        try (TrackingFeed feed = new TrackingFeed("tracking", () -> down, now::get)) {
            RetryRequests retries = new RetryRequests("sink", feed);
            assertThat(retries.poll()).isEmpty();
            assertThat(retries.poll()).isEmpty();
            now.addAndGet(9_000);
            assertThat(retries.poll()).isEmpty();
            assertThat(asked).as("one ask, then a pause").hasValue(1);
            now.addAndGet(1_000);
            assertThat(retries.poll()).isEmpty();
            assertThat(asked).hasValue(2);
        }
    }
}
