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
        try (RetryRequests retries = new RetryRequests("tracking", "sink", () -> consumer)) {
            assertThat(retries.poll()).isEmpty();
            consumer.setPollException(new KafkaException("the broker went away"));
            assertThat(retries.poll()).isEmpty();
        }
    }

    @Test
    void refusedReadFailsNamingTheAcl() {
        ScanConsumer consumer = new ScanConsumer("tracking", new ArrayList<>());
        try (RetryRequests retries = new RetryRequests("tracking", "sink", () -> consumer)) {
            assertThat(retries.poll()).isEmpty();
            consumer.setPollException(new TopicAuthorizationException(Set.of("tracking")));
            assertThatThrownBy(retries::poll).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("may not read topic tracking").hasMessageContaining("grant it Read on topic tracking")
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }
}
