package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ltx2.connect.deploy.KubeManifests.Manifest;
import io.ltx2.connect.security.DocumentedAcls;
import io.ltx2.connect.util.Json;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/strimzi/ against Strimzi's published API and against the rest of the project. Every resource is one the
 * API server takes under strict field validation ({@link ResourceChecks}: Strimzi {@code ltx.strimzi.version}'s CRD
 * schemas, fabric8's model of Kubernetes' own kinds), and a resource with a wrong field, value or version is refused
 * with the field named. The KafkaConnectors carry the settings of config/ltx-*.json; the tracking clients use the
 * credentials Strimzi gives the worker; every secret they name is readable by the worker; the KafkaUser grants
 * docs/security.md's ACLs for these names and the KafkaTopics are the topics they name; the callback receiver is
 * reachable through the Service, NetworkPolicy and Ingress.
 */
class StrimziResourcesIT {

    private static final Path DIR = Path.of("deploy", "strimzi");
    /** What Kubernetes supplies instead of the ready configs' values. */
    private static final Set<String> SUPPLIED_BY_KUBERNETES = Set.of("ltx.api.key", "ltx.tracking.bootstrap.servers");
    /** What the tracking clients need on top of the ready configs on a Strimzi cluster with TLS and SCRAM. */
    private static final Set<String> TRACKING_SECURITY = Set.of("ltx.tracking.security.protocol", "ltx.tracking.sasl.mechanism",
            "ltx.tracking.sasl.jaas.config", "ltx.tracking.ssl.truststore.type", "ltx.tracking.ssl.truststore.certificates");
    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{(\\w+):([^:/}]+)/([^:}]+):([^}]+)}");

    private static List<Manifest> manifests;

    @BeforeAll
    static void read() {
        manifests = KubeManifests.read(DIR);
    }

    @Test
    void everyResourceIsOneStrimzisOrKubernetesApiAccepts() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (Manifest m : manifests) {
            List<String> p = ResourceChecks.problems(m.resource());
            if (!p.isEmpty()) {
                problems.put(m.toString(), p);
            }
        }
        assertThat(problems).as("resources refused by Strimzi %s's CRD schemas or Kubernetes' model", StrimziCrds.version()).isEmpty();
        Map<String, Long> kinds = manifests.stream().collect(Collectors.groupingBy(Manifest::kind, TreeMap::new, Collectors.counting()));
        assertThat(kinds).as("the check saw every resource").isEqualTo(new TreeMap<>(Map.of("KafkaConnect", 2L, "KafkaConnector", 4L,
                "KafkaTopic", 5L, "KafkaUser", 1L, "Role", 1L, "RoleBinding", 1L, "Service", 1L, "NetworkPolicy", 1L, "Ingress", 1L)));
    }

    @Test
    void aWrongFieldValueOrVersionIsRefusedWithItsName() {
        assertRefused("KafkaConnect", "ltx-connect", r -> artifact(r).put("classifier", "plugin"), "classifier");
        assertRefused("KafkaConnect", "ltx-connect", r -> ((ObjectNode) r.path("spec")).remove("groupId"), "groupId");
        assertRefused("KafkaConnect", "ltx-connect", r -> ((ObjectNode) r).put("apiVersion", "kafka.strimzi.io/v1beta2"), "v1beta2");
        assertRefused("KafkaConnect", "ltx-connect", r -> artifact(r).put("type", "maven-jar"), "type");
        assertRefused("KafkaConnector", "ltx-sink", r -> ((ObjectNode) r.path("spec")).put("state", "started"), "state");
        assertRefused("KafkaConnector", "ltx-sink", r -> ((ObjectNode) r.path("spec")).put("tasksMax", 0), "tasksMax");
        assertRefused("KafkaConnector", "ltx-source", r -> ((ObjectNode) r.path("spec")).put("pause", true), "pause");
        assertRefused("KafkaConnector", "ltx-source", r -> ((ObjectNode) r.path("metadata")).put("label", "x"), "label");
        assertRefused("KafkaConnector", "ltx-sink", r -> ((ObjectNode) r.path("spec").path("config")).put("tasks.max", "3"), "tasks.max");
        assertRefused("KafkaConnect", "ltx-connect", r -> ((ObjectNode) r.path("spec").path("config"))
                .put("ssl.truststore.location", "/tmp/ts.p12"), "ssl.truststore.location");
        assertRefused("KafkaUser", "ltx-connect", r -> ((ArrayNode) r.path("spec").path("authorization").path("acls").get(0)
                .path("operations")).add("Reed"), "operations");
        assertRefused("KafkaTopic", "ltx-tasks", r -> ((ObjectNode) r.path("spec")).put("partition", 6), "partition");
        assertRefused("Service", "ltx-callbacks", r -> ((ObjectNode) r.path("spec")).putObject("selectors"), "selectors");
        assertRefused("NetworkPolicy", "ltx-callbacks", r -> ((ObjectNode) r.path("spec")).putObject("podSelectors"), "podSelectors");
        assertRefused("Role", "ltx-connect-secrets", r -> ((ObjectNode) r.path("rules").get(0)).putArray("verb"), "verb");

        JsonNode allowed = one("KafkaConnect", "ltx-connect").deepCopy();
        ((ObjectNode) allowed.path("spec").path("config")).put("ssl.endpoint.identification.algorithm", "");
        assertThat(ResourceChecks.problems(allowed)).as("an exception to Strimzi's forbidden ssl. prefix").isEmpty();
    }

    private static ObjectNode artifact(JsonNode kafkaConnect) {
        return (ObjectNode) kafkaConnect.path("spec").path("build").path("plugins").get(0).path("artifacts").get(0);
    }

    private static void assertRefused(String kind, String name, Consumer<JsonNode> change, String named) {
        JsonNode wrong = one(kind, name).deepCopy();
        change.accept(wrong);
        assertThat(ResourceChecks.problems(wrong)).as("%s %s changed so it names %s", kind, name, named)
                .anySatisfy(problem -> assertThat(problem).contains(named));
    }

    @Test
    void connectorsCarryTheReadyConfigsSettings() throws IOException {
        for (String name : List.of("ltx-sink", "ltx-source")) {
            JsonNode json = Json.MAPPER.readTree(Path.of("config", name + ".json").toFile()).path("config");
            Map<String, String> expected = strings(json);
            for (JsonNode connector : connectors(name)) {
                Map<String, String> yaml = strings(connector.path("spec").path("config"));
                yaml.put("connector.class", connector.path("spec").path("class").asText());
                yaml.put("tasks.max", connector.path("spec").path("tasksMax").asText());
                Set<String> differ = new TreeSet<>();
                for (String key : union(expected.keySet(), yaml.keySet())) {
                    if (!String.valueOf(expected.get(key)).equals(String.valueOf(yaml.get(key)))) {
                        differ.add(key);
                    }
                }
                boolean callback = yaml.containsKey("ltx.callback.url") || yaml.containsKey("ltx.callback.enabled");
                differ.removeAll(SUPPLIED_BY_KUBERNETES);
                differ.removeAll(TRACKING_SECURITY);
                if (callback) {
                    differ.removeIf(k -> k.startsWith("ltx.callback.") || k.equals("ltx.request.type"));
                }
                assertThat(differ).as("%s%s: settings that differ from config/%s.json", name, callback ? " (callback)" : "", name).isEmpty();
            }
        }
    }

    @Test
    void trackingClientsUseTheCredentialsStrimziGivesTheWorker() {
        JsonNode connect = one("KafkaConnect", "ltx-connect").path("spec");
        String ns = namespace();
        JsonNode password = connect.path("authentication").path("passwordSecret");
        JsonNode trusted = connect.path("tls").path("trustedCertificates").get(0);
        assertThat(connect.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        Map<String, String> expected = Map.of(
                "ltx.tracking.bootstrap.servers", connect.path("bootstrapServers").asText(),
                "ltx.tracking.security.protocol", "SASL_SSL",
                "ltx.tracking.sasl.mechanism", "SCRAM-SHA-512",
                "ltx.tracking.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + connect.path("authentication").path("username").asText() + "\" password=\"${secrets:" + ns + "/"
                        + password.path("secretName").asText() + ":" + password.path("password").asText() + "}\";",
                "ltx.tracking.ssl.truststore.type", "PEM",
                "ltx.tracking.ssl.truststore.certificates", "${secrets:" + ns + "/" + trusted.path("secretName").asText() + ":"
                        + trusted.path("certificate").asText() + "}");
        for (JsonNode connector : all("KafkaConnector")) {
            Map<String, String> config = strings(connector.path("spec").path("config"));
            expected.forEach((key, value) -> assertThat(config.get(key)).as("%s %s", connector.path("metadata").path("name").asText(), key)
                    .isEqualTo(value));
        }
    }

    @Test
    void everySecretTheConnectorsNameIsReadableByTheWorker() {
        JsonNode connect = one("KafkaConnect", "ltx-connect");
        Map<String, String> workerConfig = strings(connect.path("spec").path("config"));
        JsonNode role = one("Role", "ltx-connect-secrets");
        JsonNode binding = one("RoleBinding", "ltx-connect-secrets");
        Set<String> readable = new TreeSet<>();
        role.path("rules").forEach(rule -> {
            if (contains(rule.path("resources"), "secrets") && contains(rule.path("verbs"), "get")) {
                rule.path("resourceNames").forEach(n -> readable.add(n.asText()));
            }
        });
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(role.path("metadata").path("name").asText());
        assertThat(binding.path("subjects").get(0).path("name").asText()).as("Strimzi's service account of the workers")
                .isEqualTo(connect.path("metadata").path("name").asText() + "-connect");

        List<String> refs = new ArrayList<>();
        for (JsonNode connector : all("KafkaConnector")) {
            strings(connector.path("spec").path("config")).values().forEach(value -> {
                Matcher m = SECRET_REF.matcher(value);
                while (m.find()) {
                    refs.add(m.group());
                    assertThat(workerConfig.get("config.providers." + m.group(1) + ".class")).as(m.group())
                            .isEqualTo("io.strimzi.kafka.KubernetesSecretConfigProvider");
                    assertThat(workerConfig.get("config.providers").split(",")).as(m.group()).contains(m.group(1));
                    assertThat(m.group(2)).as(m.group()).isEqualTo(namespace());
                    assertThat(readable).as("%s: a secret the Role lets the worker read", m.group()).contains(m.group(3));
                }
            });
        }
        assertThat(refs).as("the API key, the SCRAM password, the CA and the callback token").hasSizeGreaterThanOrEqualTo(14);
    }

    /**
     * The KafkaUser is docs/security.md's ACL table (what SecuredClusterIT grants on a SASL/ACL broker) applied to these
     * resources' names, one principal standing for the workers and both connectors' tracking clients: every row of the
     * table but the Create rows of topics that topics.yaml creates, Describe left out where Read, Write or Delete on
     * the same resource implies it, and one row of Strimzi's own: Delete on the sink's group, which
     * strimzi.io/connector-offsets=reset needs (security.md, "Offsets through REST").
     */
    @Test
    void kafkaUserGrantsSecurityMdsAclsForTheseNames() {
        JsonNode connect = one("KafkaConnect", "ltx-connect").path("spec");
        JsonNode user = one("KafkaUser", "ltx-connect");
        Map<String, String> sink = strings(one("KafkaConnector", "ltx-sink").path("spec").path("config"));
        Map<String, String> source = strings(one("KafkaConnector", "ltx-source").path("spec").path("config"));
        String tracking = source.get("ltx.tracking.topic");
        assertThat(connect.path("authentication").path("username").asText()).isEqualTo(user.path("metadata").path("name").asText());
        assertThat(strings(connect.path("config")).get("exactly.once.source.support")).isEqualTo("enabled");
        Map<String, String> names = new TreeMap<>(Map.of("group.id", connect.path("groupId").asText(),
                "config.storage.topic", connect.path("configStorageTopic").asText(),
                "offset.storage.topic", connect.path("offsetStorageTopic").asText(),
                "status.storage.topic", connect.path("statusStorageTopic").asText(),
                "sink.name", "ltx-sink", "source.name", "ltx-source", "topics", sink.get("topics"),
                "errors.deadletterqueue.topic.name", sink.get("errors.deadletterqueue.topic.name"),
                "ltx.events.topic", source.get("ltx.events.topic"), "ltx.tracking.topic", tracking));
        names.put("ltx.sink.budget.topic", tracking + ".budget");                   // its default
        names.put("ltx.sink.concurrency.events.topic", source.get("ltx.events.topic"));
        Set<String> kafkaTopics = all("KafkaTopic").stream().map(t -> t.path("spec").path("topicName").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        String principal = "User:" + user.path("metadata").path("name").asText();

        Set<String> expected = new TreeSet<>();
        for (AclBinding b : DocumentedAcls.bindings(DocumentedAcls.read(), r -> true,
                Map.of("worker", principal, "sink", principal, "source", principal), names)) {
            if (!(b.entry().operation() == AclOperation.CREATE && b.pattern().resourceType() == ResourceType.TOPIC
                    && kafkaTopics.contains(b.pattern().name()))) {
                String type = strimziName(b.pattern().resourceType().name());
                grant(expected, Character.toLowerCase(type.charAt(0)) + type.substring(1), b.pattern().name(),
                        b.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal", strimziName(b.entry().operation().name()));
            }
        }
        grant(expected, "group", "connect-ltx-sink", "literal", "Delete");
        expected.removeIf(acl -> acl.endsWith(":Describe") && Stream.of("Read", "Write", "Delete")
                .anyMatch(op -> expected.contains(acl.replaceFirst("Describe$", op))));

        Set<String> granted = new TreeSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            acl.path("operations").forEach(op -> grant(granted, r.path("type").asText(), r.path("name").asText(),
                    r.path("patternType").asText("literal"), op.asText()));
        }
        assertThat(granted).as("kafka-user.yaml against docs/security.md's table").isEqualTo(expected);
        assertThat(kafkaTopics).as("a KafkaTopic for every topic the connectors use")
                .isEqualTo(new TreeSet<>(List.of(sink.get("topics"), tracking, source.get("ltx.events.topic"),
                        sink.get("errors.deadletterqueue.topic.name"), tracking + ".budget")));
    }

    /** Kafka's IDEMPOTENT_WRITE, TRANSACTIONAL_ID as Strimzi writes them: IdempotentWrite, (transactionalId, lower-case first). */
    private static String strimziName(String kafkaEnum) {
        StringBuilder out = new StringBuilder();
        for (String part : kafkaEnum.toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }

    private static void grant(Set<String> acls, String type, String name, String pattern, String... operations) {
        for (String op : operations) {
            acls.add(type + ":" + name + ":" + pattern + ":" + op);
        }
    }

    @Test
    void bothKafkaConnectsDifferOnlyInTheirArtifactWhichNamesThisRelease() {
        List<JsonNode> connects = all("KafkaConnect");
        String release = ReleaseFiles.releaseVersion();
        JsonNode maven = connects.stream().filter(c -> artifact(c).path("type").asText().equals("maven")).findFirst().orElseThrow();
        JsonNode zip = connects.stream().filter(c -> artifact(c).path("type").asText().equals("zip")).findFirst().orElseThrow();
        assertThat(maven.path("spec").path("version").asText()).as("the Kafka version the project's tests run").isEqualTo(System.getProperty("ltx.kafka.version"));
        assertThat(artifact(maven).path("group").asText()).isEqualTo(ReleaseFiles.groupId());
        assertThat(artifact(maven).path("artifact").asText()).isEqualTo(ReleaseFiles.artifactId());
        assertThat(artifact(maven).path("version").asText()).isEqualTo(release);
        assertThat(artifact(maven).path("includeScope").asText()).isEqualTo("runtime");
        String zipName = ReleaseFiles.artifactId() + "-" + release + ".zip";
        assertThat(artifact(zip).path("url").asText()).endsWith("/v" + release + "/" + zipName);
        assertThat(artifact(zip).path("sha512sum").asText()).as("the placeholder docs/install.md replaces").isEqualTo("REPLACE-WITH-SHA512-OF-" + zipName);

        JsonNode a = maven.deepCopy();
        JsonNode b = zip.deepCopy();
        ((ObjectNode) a.path("spec").path("build").path("plugins").get(0)).remove("artifacts");
        ((ObjectNode) b.path("spec").path("build").path("plugins").get(0)).remove("artifacts");
        assertThat(b).isEqualTo(a);
    }

    @Test
    void callbackReceiverIsReachableThroughServiceNetworkPolicyAndIngress() {
        Map<String, String> source = strings(callbackConnector("ltx-source").path("spec").path("config"));
        Map<String, String> sink = strings(callbackConnector("ltx-sink").path("spec").path("config"));
        JsonNode service = one("Service", "ltx-callbacks").path("spec");
        JsonNode policy = one("NetworkPolicy", "ltx-callbacks").path("spec");
        JsonNode ingress = one("Ingress", "ltx-callbacks").path("spec");
        Map<String, String> pods = Map.of("strimzi.io/cluster", "ltx-connect", "strimzi.io/kind", "KafkaConnect");
        String port = source.get("ltx.callback.listener.port");

        assertThat(source.get("ltx.callback.listener.host")).as("reachable from outside the pod").isEqualTo("0.0.0.0");
        assertThat(strings(service.path("selector"))).isEqualTo(pods);
        assertThat(service.path("ports").get(0).path("targetPort").asText()).isEqualTo(port);
        assertThat(strings(policy.path("podSelector").path("matchLabels"))).isEqualTo(pods);
        assertThat(policy.path("ingress").get(0).path("ports").get(0).path("port").asText()).isEqualTo(port);
        JsonNode rule = ingress.path("rules").get(0);
        JsonNode backend = rule.path("http").path("paths").get(0).path("backend").path("service");
        assertThat(backend.path("name").asText()).isEqualTo("ltx-callbacks");
        assertThat(backend.path("port").path("name").asText()).isEqualTo(service.path("ports").get(0).path("name").asText());
        assertThat(rule.path("http").path("paths").get(0).path("path").asText()).isEqualTo("/callback");
        assertThat(sink.get("ltx.request.type")).isEqualTo("callback");
        assertThat(sink.get("ltx.callback.url")).as("the Ingress host, /callback/, the source's token")
                .isEqualTo("https://" + rule.path("host").asText() + "/callback/" + source.get("ltx.callback.token"));
        assertThat(ingress.path("tls").get(0).path("hosts").get(0).asText()).isEqualTo(rule.path("host").asText());
    }

    private static JsonNode callbackConnector(String name) {
        return manifests.stream().filter(m -> m.kind().equals("KafkaConnector") && m.name().equals(name)
                && m.file().getParent().getFileName().toString().equals("callback")).findFirst().orElseThrow().resource();
    }

    private static List<JsonNode> connectors(String name) {
        return all("KafkaConnector").stream().filter(c -> c.path("metadata").path("name").asText().equals(name)).toList();
    }

    private static String namespace() {
        Set<String> namespaces = manifests.stream().map(m -> m.resource().path("metadata").path("namespace").asText()).collect(Collectors.toSet());
        assertThat(namespaces).as("one namespace for every resource").hasSize(1);
        return namespaces.iterator().next();
    }

    private static List<JsonNode> all(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).map(Manifest::resource).toList();
    }

    /** The resource of that kind and name; of the connectors, the polling one (deploy/strimzi/callback/ has the other). */
    private static JsonNode one(String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .min(java.util.Comparator.comparing(m -> m.file().getParent().getFileName().toString().equals("callback")))
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + DIR)).resource();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
