package io.ltx2.connect.security;

import io.ltx2.connect.it.ItCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * An embedded broker that authenticates every client with SASL/PLAIN and authorizes it with KRaft's
 * {@code StandardAuthorizer}, and Connect workers that authenticate as their own principal
 * ({@code User:connect}), with no ACL but those granted. The test itself is the super user
 * ({@code User:admin}). The connectors' principals get their SASL settings through
 * {@code ltx.tracking.*}, the password read by the workers' file config provider.
 */
final class SecuredCluster implements AutoCloseable {
    static final String ADMIN = "admin";
    static final String WORKER = "connect";
    static final String GROUP = "connect-secured";
    static final String CONFIG_TOPIC = GROUP + "-configs";
    static final String OFFSETS_TOPIC = GROUP + "-offsets";
    static final String STATUS_TOPIC = GROUP + "-status";
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";

    final EmbeddedConnectCluster connect;
    private final Path secrets;

    private SecuredCluster(EmbeddedConnectCluster connect, Path secrets) {
        this.connect = connect;
        this.secrets = secrets;
    }

    /** The worker's settings of the cluster's group, internal topics and names; the ACL table's {@code <...>} of the workers. */
    static Map<String, String> workerNames() {
        return Map.of("group.id", GROUP, "config.storage.topic", CONFIG_TOPIC, "offset.storage.topic", OFFSETS_TOPIC,
                "status.storage.topic", STATUS_TOPIC);
    }

    /**
     * Starts the broker, creates the workers' topics (as the super user: no Create for the workers),
     * grants {@code workerAcls} and only then starts one worker, which needs them to start.
     */
    static SecuredCluster start(Collection<String> users, List<AclBinding> workerAcls) throws IOException {
        Path secrets = Files.createTempFile("ltx-secured", ".properties");
        Properties file = new Properties();
        users.forEach(u -> file.setProperty(u, jaas(u)));
        try (var out = Files.newOutputStream(secrets)) {
            file.store(out, "SASL logins of the connectors' principals (SecuredClusterIT)");
        }
        Set<String> all = new HashSet<>(users);
        all.add(ADMIN);
        all.add(WORKER);
        Map<String, String> workerProps = ItCluster.workerProps();
        workerProps.putAll(workerNames());
        for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
            sasl(WORKER).forEach((k, v) -> workerProps.put(prefix + k, v));
        }
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("secured").numBrokers(1).numWorkers(0)
                .brokerProps(brokerProps(all)).clientProps(sasl(ADMIN)).workerProps(workerProps).build();
        connect.start();
        SecuredCluster cluster = new SecuredCluster(connect, secrets);
        for (String topic : List.of(CONFIG_TOPIC, OFFSETS_TOPIC, STATUS_TOPIC)) {
            connect.kafka().createTopic(topic, topic.equals(CONFIG_TOPIC) ? 1 : 5, 1, Map.of("cleanup.policy", "compact"));
        }
        cluster.grant(workerAcls);
        connect.addWorker();
        try {
            connect.assertions().assertAtLeastNumWorkersAreUp(1, "the worker did not start with its documented ACLs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return cluster;
    }

    private static Properties brokerProps(Set<String> users) {
        Properties b = ItCluster.brokerProps();
        b.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT");
        b.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        b.put("sasl.enabled.mechanisms", "PLAIN");
        b.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        b.put("sasl.mechanism.controller.protocol", "PLAIN");
        String logins = users.stream().map(u -> "user_" + u + "=\"" + password(u) + "\"").collect(Collectors.joining(" "));
        String jaas = PLAIN + " username=\"" + ADMIN + "\" password=\"" + password(ADMIN) + "\" " + logins + ";";
        b.put("listener.name.external.plain.sasl.jaas.config", jaas);
        b.put("listener.name.controller.plain.sasl.jaas.config", jaas);
        b.put("super.users", "User:" + ADMIN);
        return b;
    }

    private static String password(String user) {
        return user + "-pw-7c1e";
    }

    private static String jaas(String user) {
        return PLAIN + " username=\"" + user + "\" password=\"" + password(user) + "\";";
    }

    /** A client's SASL settings as {@code user}. */
    static Map<String, String> sasl(String user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(user));
    }

    /** A connector's {@code ltx.tracking.*} SASL settings as {@code user}, the login through the file config provider. */
    Map<String, String> trackingSettings(String user) {
        Map<String, String> c = new HashMap<>();
        c.put("ltx.tracking.security.protocol", "SASL_PLAINTEXT");
        c.put("ltx.tracking.sasl.mechanism", "PLAIN");
        c.put("ltx.tracking.sasl.jaas.config", "${file:" + secrets.toAbsolutePath() + ":" + user + "}");
        return c;
    }

    /** Grants the bindings and waits until the broker's authorizer has them (ACLs travel through the metadata log). */
    void grant(List<AclBinding> bindings) {
        try (Admin admin = connect.kafka().createAdminClient()) {
            admin.createAcls(bindings).all().get();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(bindings));
        } catch (Exception e) {
            throw new IllegalStateException("granting " + bindings + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        connect.stop();
        Files.deleteIfExists(secrets);
    }
}
