package io.ltx2.connect.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Whether a Kubernetes resource is one its API server accepts with strict field validation: a Strimzi kind against
 * the OpenAPI schema of Strimzi's CRD for its apiVersion ({@link StrimziCrds}), with unknown fields refused wherever
 * the schema does not preserve them; a Kubernetes kind by reading it into fabric8's model of the Kubernetes API
 * with unknown fields refused. An empty list means accepted.
 */
final class ResourceChecks {

    /** The Kubernetes kinds deploy/strimzi/ uses, by apiVersion and kind. */
    private static final Map<String, Class<?>> KUBERNETES_KINDS = Map.of(
            "v1/Service", Service.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class,
            "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class);
    private static final ObjectMapper STRICT = strictMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

    private ResourceChecks() {
    }

    static boolean isStrimziKind(JsonNode resource) {
        return StrimziCrds.MODEL_CLASSES.containsKey(resource.path("kind").asText());
    }

    static List<String> problems(JsonNode resource) {
        String apiVersion = resource.path("apiVersion").asText();
        String kind = resource.path("kind").asText();
        List<String> problems = new ArrayList<>(modelProblems(resource.path("metadata"), ObjectMeta.class, "metadata"));
        if (resource.path("metadata").path("name").asText().isEmpty()) {
            problems.add("metadata.name: missing");
        }
        if (isStrimziKind(resource)) {
            problems.addAll(crdProblems(resource, StrimziCrds.byKind().get(kind)));
        } else if (KUBERNETES_KINDS.containsKey(apiVersion + "/" + kind)) {
            problems.addAll(modelProblems(resource, KUBERNETES_KINDS.get(apiVersion + "/" + kind), ""));
        } else {
            problems.add(apiVersion + " " + kind + ": not a kind this check knows (Strimzi " + StrimziCrds.MODEL_CLASSES.keySet()
                    + ", Kubernetes " + KUBERNETES_KINDS.keySet() + ")");
        }
        return problems;
    }

    private static List<String> crdProblems(JsonNode resource, JsonNode crd) {
        String apiVersion = resource.path("apiVersion").asText();
        String group = crd.path("spec").path("group").asText();
        List<String> served = new ArrayList<>();
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("served").asBoolean()) {
                served.add(group + "/" + v.path("name").asText());
                if (apiVersion.equals(group + "/" + v.path("name").asText())) {
                    Schema schema = SCHEMAS.getSchema(closed(v.path("schema").path("openAPIV3Schema").deepCopy()));
                    List<String> problems = new ArrayList<>();
                    for (Error e : schema.validate(resource)) {
                        problems.add(e.getInstanceLocation() + ": " + e.getMessage());
                    }
                    JsonNode config = v.path("schema").path("openAPIV3Schema").path("properties").path("spec").path("properties").path("config");
                    problems.addAll(forbiddenConfig(resource.path("spec").path("config"), config.path("description").asText()));
                    return problems;
                }
            }
        }
        return List.of("apiVersion: " + apiVersion + " is not served by Strimzi " + StrimziCrds.version() + "'s "
                + resource.path("kind").asText() + " (it serves " + served + ")");
    }

    /**
     * The keys of a {@code spec.config} that Strimzi's operator does not let through, as the CRD's description of
     * that field lists them: "Properties with the following prefixes cannot be set: a., b (with the exception of:
     * a.x)." (KafkaConnect) or "The following properties cannot be set: name, tasks.max." (KafkaConnector).
     */
    static List<String> forbiddenConfig(JsonNode config, String description) {
        int at = description.indexOf("cannot be set: ");
        if (at < 0) {
            return List.of();
        }
        boolean prefixes = description.contains("with the following prefixes");
        String listed = description.substring(at + "cannot be set: ".length());
        int exceptionAt = listed.indexOf(" (with the exception of: ");
        List<String> exceptions = exceptionAt < 0 ? List.of()
                : List.of(listed.substring(exceptionAt + " (with the exception of: ".length(), listed.indexOf(')', exceptionAt)).split(",\\s*"));
        List<String> forbidden = new ArrayList<>();
        for (String entry : (exceptionAt < 0 ? listed : listed.substring(0, exceptionAt)).split(",\\s*")) {
            forbidden.add(prefixes ? entry.strip() : entry.strip().replaceAll("\\.$", ""));
        }
        List<String> problems = new ArrayList<>();
        config.fieldNames().forEachRemaining(key -> {
            boolean refused = prefixes ? forbidden.stream().anyMatch(key::startsWith) && !exceptions.contains(key) : forbidden.contains(key);
            if (refused) {
                problems.add("/spec/config/" + key + ": Strimzi does not let it be set (" + description.substring(at) + ")");
            }
        });
        return problems;
    }

    /**
     * The schema as the API server applies it with strict field validation: an object schema that lists its
     * properties accepts no others, unless it preserves unknown fields or declares its additional properties.
     */
    static JsonNode closed(JsonNode schema) {
        if (schema instanceof ObjectNode node) {
            if (node.has("properties") && "object".equals(node.path("type").asText())
                    && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !node.has("additionalProperties")) {
                node.put("additionalProperties", false);
            }
            for (Iterator<JsonNode> it = node.path("properties").elements(); it.hasNext(); ) {
                closed(it.next());
            }
            closed(node.path("items"));
            closed(node.path("additionalProperties"));
        }
        return schema;
    }

    private static List<String> modelProblems(JsonNode node, Class<?> model, String at) {
        try {
            STRICT.treeToValue(node, model);
            return List.of();
        } catch (JsonMappingException e) {
            StringBuilder path = new StringBuilder(at);
            for (JsonMappingException.Reference r : e.getPath()) {
                path.append(r.getFieldName() == null ? "[" + r.getIndex() + "]" : (path.length() == 0 ? "" : ".") + r.getFieldName());
            }
            return List.of(path + ": " + e.getOriginalMessage());
        } catch (Exception e) {
            return List.of(at + ": " + e.getMessage());
        }
    }

    /** Jackson for fabric8's model without its catch-all for unknown fields (its any-setter): an unknown field fails. */
    private static ObjectMapper strictMapper() {
        SimpleModule module = new SimpleModule();
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return new ObjectMapper().registerModule(module).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
