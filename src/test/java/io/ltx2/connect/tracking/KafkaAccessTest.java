package io.ltx2.connect.tracking;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused operation of the connectors' own clients is told as the ACL it lacks; any other error is left alone. */
class KafkaAccessTest {

    @Test
    void topicAuthorizationErrorNamesTheOperationTheTopicAndTheSettings() {
        TopicAuthorizationException denied = new TopicAuthorizationException(Set.of("ltx.tasks"));
        ConnectException e = KafkaAccess.explain(new CompletionException(new KafkaException("send failed", denied)), "Read", "ltx.tasks");
        assertThat(e).isNotNull().hasCause(denied);
        assertThat(e.getMessage()).contains("may not read topic ltx.tasks", "grant it Read on topic ltx.tasks", "ltx.tracking.*",
                "docs/security.md", "Not authorized to access topics: [ltx.tasks]");
    }

    /** KIP-679: an idempotent producer of a principal that may write no topic is refused as a whole, as a cluster authorization error. */
    @Test
    void idempotentProducerRefusedAsAWholeIsToldItNeedsWriteOnTheTopic() {
        ConnectException e = KafkaAccess.explain(new ClusterAuthorizationException("Cluster authorization failed."), "Write", "ltx.tasks");
        assertThat(e.getMessage()).contains("may not write topic ltx.tasks", "needs Write on the topic it writes", "IdempotentWrite");
    }

    @Test
    void otherErrorsAreNotAuthorizationErrors() {
        assertThat(KafkaAccess.explain(new TimeoutException("no answer"), "Read", "ltx.tasks")).isNull();
        assertThat(KafkaAccess.deniedIn(new KafkaException("x", new IllegalStateException()))).isNull();
        assertThat(KafkaAccess.deniedIn(null)).isNull();
    }
}
