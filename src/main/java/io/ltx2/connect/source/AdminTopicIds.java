package io.ltx2.connect.source;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Describes the topic with a short-lived Admin client of the tracking cluster (built from the {@code ltx.tracking.*} settings). */
final class AdminTopicIds implements TopicIds {
    private static final Logger log = LoggerFactory.getLogger(AdminTopicIds.class);
    private static final long DESCRIBE_TIMEOUT_SECONDS = 30;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, Object> props;

    AdminTopicIds(Map<String, Object> trackingClientProps, String clientId) {
        props = new HashMap<>(trackingClientProps);
        props.keySet().retainAll(AdminClientConfig.configNames());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    }

    /** Null when describing fails (no Describe permission, say): the caller then skips the check. */
    @Override
    public String idOf(String topic) {
        Admin admin = null;
        try {
            admin = Admin.create(props);
            return admin.describeTopics(List.of(topic)).allTopicNames().get(DESCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                    .topicId().toString();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Cannot describe tracking topic {} ({}): a recreated topic is only detected by its end offsets", topic,
                    e instanceof ExecutionException ? e.getCause() : e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (admin != null) {
                admin.close(CLOSE_TIMEOUT);
            }
        }
    }
}
