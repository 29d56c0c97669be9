package io.ltx2.connect.tracking;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Describes the topic with an Admin client of the tracking cluster (built from the {@code ltx.tracking.*} settings): a
 * short-lived one per call ({@link #AdminTopicIds(Supplier, String)}), or one the caller keeps and closes ({@link #shared}).
 */
public final class AdminTopicIds implements TopicIds {
    private static final Logger log = LoggerFactory.getLogger(AdminTopicIds.class);
    private static final long DESCRIBE_TIMEOUT_SECONDS = 30;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<Admin> admins;
    private final String withoutId;
    private final boolean closeEach;

    /** @param withoutId what is lost when the id cannot be told, for the warning */
    public AdminTopicIds(Supplier<Admin> admins, String withoutId) {
        this(admins, withoutId, true);
    }

    private AdminTopicIds(Supplier<Admin> admins, String withoutId, boolean closeEach) {
        this.admins = admins;
        this.withoutId = withoutId;
        this.closeEach = closeEach;
    }

    /** With the Admin client {@code admin} gives (made once, say), which the caller closes. */
    public static AdminTopicIds shared(Supplier<Admin> admin, String withoutId) {
        return new AdminTopicIds(admin, withoutId, false);
    }

    /** Null when describing fails (no Describe permission, say): the caller then skips the check. */
    @Override
    public String idOf(String topic) {
        Admin admin = null;
        try {
            admin = admins.get();
            return admin.describeTopics(List.of(topic)).allTopicNames().get(DESCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                    .topicId().toString();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Cannot describe topic {} ({}): {}", topic, e instanceof ExecutionException ? e.getCause() : e.toString(), withoutId);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (admin != null && closeEach) {
                admin.close(CLOSE_TIMEOUT);
            }
        }
    }
}
