package io.ltx2.connect.tracking;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.Locale;

/**
 * Authorization errors of the connectors' own Kafka clients, told as the ACL that is missing. Kafka's
 * own messages ("Not authorized to access topics: [t]", "Cluster authorization failed.") name neither
 * the operation nor the settings that chose the principal, so a first deploy on a secured cluster
 * would read as a broken topic. docs/security.md lists every ACL; these messages point there.
 */
public final class KafkaAccess {
    /** Where the principal of the connectors' own clients comes from. */
    static final String PRINCIPAL = "the principal of the connector's ltx.tracking.* client settings";

    private KafkaAccess() {
    }

    /** The authorization error {@code t} is or was caused by; null for any other error. */
    public static AuthorizationException deniedIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthorizationException denied) {
                return denied;
            }
        }
        return null;
    }

    /**
     * When {@code t} comes from an authorization error: a ConnectException that names the ACL the
     * operation needed ({@code operation}: Read, Write or Describe, as Kafka's ACLs call them) on
     * {@code topic}, with Kafka's error as its cause; otherwise null.
     */
    public static ConnectException explain(Throwable t, String operation, String topic) {
        AuthorizationException denied = deniedIn(t);
        if (denied == null) {
            return null;
        }
        String needed = denied instanceof ClusterAuthorizationException && operation.equals("Write")
                // an idempotent producer may not even start without Write on some topic (KIP-679)
                ? "an idempotent producer needs Write on the topic it writes (or IdempotentWrite on the cluster, on brokers before 2.8)"
                : "grant it " + operation + " on topic " + topic;
        return new ConnectException("Not authorized: " + PRINCIPAL + " may not " + operation.toLowerCase(Locale.ROOT)
                + " topic " + topic + " (Kafka: " + denied.getMessage() + "); " + needed
                + ". docs/security.md lists the ACLs of every client the connectors open.", denied);
    }
}
