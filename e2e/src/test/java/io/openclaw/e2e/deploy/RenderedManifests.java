package io.openclaw.e2e.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One kustomize overlay rendered by {@code kubectl kustomize} and parsed with the fabric8 model: built-in kinds
 * become their typed classes, custom resources (Strimzi, Prometheus operator) {@link GenericKubernetesResource}.
 */
final class RenderedManifests {

    private static final Map<String, RenderedManifests> CACHE = new ConcurrentHashMap<>();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final String overlay;
    final List<HasMetadata> objects;

    private RenderedManifests(String overlay, List<HasMetadata> objects) {
        this.overlay = overlay;
        this.objects = List.copyOf(objects);
    }

    /** Renders {@code deploy/k8s/overlays/<overlay>} once per test JVM. */
    static RenderedManifests of(String overlay) {
        return CACHE.computeIfAbsent(overlay, RenderedManifests::render);
    }

    private static RenderedManifests render(String overlay) {
        Path dir = repositoryRoot().resolve("deploy/k8s/overlays").resolve(overlay);
        return new RenderedManifests(overlay, parse(kustomize(dir)));
    }

    /** The repository root: the first directory upwards from the working directory that holds deploy/k8s. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy/k8s")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
    }

    static String kustomize(Path dir) {
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectErrorStream(false)
                    .start();
            process.getOutputStream().close();
            byte[] out;
            byte[] err;
            try (InputStream stdout = process.getInputStream();
                    InputStream stderr = process.getErrorStream()) {
                out = stdout.readAllBytes();
                err = stderr.readAllBytes();
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("kubectl (with kustomize) must be on the PATH to check deploy/k8s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Parses a multi-document YAML stream, one object per document. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.isBlank()) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata object)) {
                throw new IllegalStateException("not a Kubernetes object: "
                        + document.lines().findFirst().orElse(""));
            }
            objects.add(object);
        }
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** Strimzi's typed model for each Strimzi kind the manifests use. */
    static final Map<String, Class<? extends HasMetadata>> STRIMZI_KINDS = Map.of(
            "Kafka", Kafka.class,
            "KafkaNodePool", KafkaNodePool.class,
            "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class);

    /**
     * A custom resource in its typed model where there is one (Strimzi), so that its fields can be checked like
     * those of built-in kinds; other custom resources stay generic.
     */
    static Object typed(GenericKubernetesResource resource) {
        Class<? extends HasMetadata> type =
                resource.getApiVersion().startsWith("kafka.strimzi.io/") ? STRIMZI_KINDS.get(resource.getKind()) : null;
        return type == null ? resource : SERIALIZATION.convertValue(resource, type);
    }

    /** Custom resources of one kind, e.g. {@code KafkaTopic}. */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(r -> kind.equals(r.getKind()))
                .toList();
    }

    /** Every pod template: the workloads' templates, with the name of the workload. */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new java.util.LinkedHashMap<>();
        all(Deployment.class)
                .forEach(d ->
                        templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class)
                .forEach(s ->
                        templates.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
        return templates;
    }

    /** Whether some pod template carries every one of these labels. */
    boolean someWorkloadCarries(Map<String, String> labels) {
        return podTemplates().values().stream()
                .anyMatch(t -> labels != null
                        && !labels.isEmpty()
                        && t.getMetadata().getLabels().entrySet().containsAll(labels.entrySet()));
    }

    /**
     * Fields the fabric8 model did not recognise (it keeps them in {@code additionalProperties} instead of failing):
     * a misspelt {@code readOnlyRootFileSystem} is silently ignored by a lenient parser and by an old API server.
     * Strimzi resources are checked in Strimzi's model (see {@link #typed}); other custom resources have no schema
     * here and are not walked.
     */
    static List<String> unknownFields(Object node, String path) {
        List<String> found = new ArrayList<>();
        collectUnknownFields(node, path, found);
        return found;
    }

    private static void collectUnknownFields(Object node, String path, List<String> found) {
        if (node == null || node instanceof GenericKubernetesResource) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknownFields(value, path + "." + key, found));
            return;
        }
        String type = node.getClass().getName();
        if (!type.startsWith("io.fabric8.kubernetes.api.model")
                && !type.startsWith("io.fabric8.openshift.api.model")
                && !type.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || getter.isBridge()
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            collectUnknownFields(value, path + "." + field, found);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }

    /** Reads a nested value of a custom resource, e.g. {@code at(topic, "spec", "config", "retention.ms")}. */
    @SuppressWarnings("unchecked")
    static Object at(GenericKubernetesResource resource, String... path) {
        Object node = resource.getAdditionalProperties();
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = ((Map<String, Object>) map).get(key);
        }
        return node;
    }

    static Stream<Path> filesUnder(Path dir) throws IOException {
        return Files.walk(dir).filter(Files::isRegularFile);
    }
}
