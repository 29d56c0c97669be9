package io.ltx2.connect.tracking;

import io.ltx2.connect.util.SharedStrings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Who a request is: the sink connector that read it and the record's original coordinates
 * (KIP-793 where the worker gives them). Two records are two requests even when they carry the
 * same {@code request_id}; one record read again (a restart, a rebalance) is the same request.
 * Every piece of bookkeeping on both sides keys on this, never on the request id.
 *
 * <p>{@link #key()} is the tracking records' Kafka key, so all records of one request (INTENT,
 * SUBMITTED, REJECTED, CALLBACK) land on one tracking partition, in order, and one source task
 * sees them all. It is also what the callback URL carries ({@code rid}).
 *
 * <p>{@code topicId} is the input topic's id where known (null when it cannot be described). It is part
 * of equality: a record at the coordinates of one of a deleted topic of the same name is another
 * request. It is not part of {@link #key()} (so a request's records keep one partition whatever
 * version wrote them); the callback URL carries it as {@value #CALLBACK_TOPIC_ID_PARAM}. Records
 * written by versions that knew no topic id have none; only the sink's restart scan still reads those
 * as the request's (see {@code PriorAttempts}), so an upgrade resubmits nothing.
 */
public record RequestIdentity(String connector, String topic, int partition, long offset, String topicId) {
    /** The query parameter of a callback URL that names the request (the receiver keys the CALLBACK record with it). */
    public static final String CALLBACK_PARAM = "rid";
    /** The query parameter of a callback URL that names the request's input topic id, when known. */
    public static final String CALLBACK_TOPIC_ID_PARAM = "rtid";
    /** The query parameter of a callback URL that names the tracking partition of the request's records. */
    public static final String CALLBACK_PARTITION_PARAM = "rtp";
    private static final char SEPARATOR = ':';

    public RequestIdentity {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(topic, "topic");
        connector = SharedStrings.of(connector);
        topic = SharedStrings.of(topic);
        topicId = SharedStrings.of(topicId);
    }

    public RequestIdentity(String connector, String topic, int partition, long offset) {
        this(connector, topic, partition, offset, null);
    }

    public static RequestIdentity of(String connector, SourceCoordinates source) {
        return new RequestIdentity(connector, source.topic(), source.partition(), source.offset(), source.topicId());
    }

    public SourceCoordinates coordinates() {
        return new SourceCoordinates(topic, partition, offset, topicId);
    }

    /** This identity with the input topic id {@code id} (null: unknown). */
    public RequestIdentity withTopicId(String id) {
        return new RequestIdentity(connector, topic, partition, offset, id);
    }

    /** {@code connector:topic:partition:offset}; topic names cannot hold ':', so it parses from the right. */
    public String key() {
        return connector + SEPARATOR + topic + SEPARATOR + partition + SEPARATOR + offset;
    }

    /**
     * Reads a {@link #key()}.
     *
     * @throws IllegalArgumentException when {@code key} is not one
     */
    public static RequestIdentity parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("no request identity");
        }
        int o = key.lastIndexOf(SEPARATOR);
        int p = o <= 0 ? -1 : key.lastIndexOf(SEPARATOR, o - 1);
        int t = p <= 0 ? -1 : key.lastIndexOf(SEPARATOR, p - 1);
        if (t <= 0 || p == t + 1) {
            throw new IllegalArgumentException("not a request identity (connector:topic:partition:offset): " + abbreviate(key));
        }
        try {
            int partition = Integer.parseInt(key.substring(p + 1, o));
            long offset = Long.parseLong(key.substring(o + 1));
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException("negative partition or offset in request identity " + abbreviate(key));
            }
            return new RequestIdentity(key.substring(0, t), key.substring(t + 1, p), partition, offset);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a request identity (connector:topic:partition:offset): " + abbreviate(key), e);
        }
    }

    /**
     * The callback URL of this request: the configured one (which carries the receiver's secret
     * token) with {@value #CALLBACK_PARAM} added, so the webhook of a task whose create was never
     * answered can still be tied to its request.
     */
    public String appendTo(String callbackUrl) {
        return appendTo(callbackUrl, null);
    }

    /**
     * As {@link #appendTo(String)}, also naming the tracking partition of the request's records (null: none yet), so that the
     * receiver writes the CALLBACK record beside them even after partitions were added to the tracking topic.
     */
    public String appendTo(String callbackUrl, Integer trackingPartition) {
        int hash = callbackUrl.indexOf('#');
        String base = hash < 0 ? callbackUrl : callbackUrl.substring(0, hash);
        String fragment = hash < 0 ? "" : callbackUrl.substring(hash);
        char join = base.indexOf('?') < 0 ? '?' : '&';
        return base + join + CALLBACK_PARAM + '=' + URLEncoder.encode(key(), StandardCharsets.UTF_8)
                + (topicId == null ? "" : "&" + CALLBACK_TOPIC_ID_PARAM + '=' + URLEncoder.encode(topicId, StandardCharsets.UTF_8))
                + (trackingPartition == null ? "" : "&" + CALLBACK_PARTITION_PARAM + '=' + trackingPartition) + fragment;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return key();
    }
}
