package io.openclaw.e2e.deploy;

import static io.openclaw.e2e.deploy.RenderedManifests.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders deploy/k8s/overlays/dev and prod with {@code kubectl kustomize}, parses every object with the fabric8
 * model, and checks the invariants the operators rely on (DESIGN.md "Kubernetes", issue 7 "Checks").
 */
class KubernetesManifestsTest {

    static final List<String> SERVICES =
            List.of("pairing-service", "token-service", "key-rotation-service", "audit-service");

    /** The public routes of DESIGN.md, per service; nothing else may be routed by the Ingress. */
    static final Map<String, Set<String>> PUBLIC_ROUTES = Map.of(
            "pairing-service", Set.of("/v1/pairing-codes", "/v1/oauth/device_authorization", "/v1/device"),
            "token-service",
                    Set.of(
                            "/v1/oauth/token",
                            "/v1/oauth/revoke",
                            "/v1/oauth/introspect",
                            "/v1/auth",
                            "/v1/devices",
                            "/.well-known"),
            "key-rotation-service", Set.of("/v1/accounts", "/v1/keys"),
            "audit-service", Set.of("/v1/audit", "/v1/alerts"));

    /** Which topics each service's Kafka user may write (DESIGN.md "Ownership"). */
    static final Map<String, Set<String>> WRITES = Map.of(
            "pairing-service-kafka", Set.of(Topics.PAIRING_EVENTS, Topics.CONSUMER_DEAD_LETTER),
            "token-service-kafka", Set.of(Topics.TOKEN_EVENTS, Topics.CONSUMER_DEAD_LETTER),
            "key-rotation-service-kafka",
                    Set.of(Topics.KEY_EVENTS, Topics.KEY_USAGE, Topics.SECURITY_COMMANDS, Topics.CONSUMER_DEAD_LETTER),
            "audit-service-kafka",
                    Set.of(
                            Topics.AUDIT_LOG,
                            Topics.SECURITY_ALERTS,
                            Topics.SECURITY_COMMANDS,
                            Topics.AUDIT_DEAD_LETTER),
            "security-team-reader", Set.of());

    static final String LABEL_NAME = "app.kubernetes.io/name";

    // ---------------------------------------------------------------- rendering and parsing

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedObjectParsesWithTheFabric8ModelWithoutUnknownFields(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);

        assertThat(rendered.objects).hasSizeGreaterThan(40);
        List<String> unknown = rendered.objects.stream()
                .flatMap(o -> RenderedManifests.unknownFields(
                        o instanceof GenericKubernetesResource custom ? RenderedManifests.typed(custom) : o,
                        o.getKind() + "/" + o.getMetadata().getName())
                        .stream())
                .toList();
        assertThat(unknown).as("fields the Kubernetes API does not know").isEmpty();
        assertThat(rendered.objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                .as(o.getKind() + " " + o.getMetadata().getName())
                .isIn("openclaw", null));
    }

    @Test
    void theUnknownFieldCheckCatchesAMisspeltSecurityField() {
        List<HasMetadata> parsed = RenderedManifests.parse(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                        - name: typo
                          image: example/typo:1.0.0
                          securityContext:
                            readOnlyRootFileSystem: true
                """);

        assertThat(RenderedManifests.unknownFields(parsed.get(0), "Deployment/typo"))
                .containsExactly("Deployment/typo.spec.template.spec.containers[0].securityContext: "
                        + "[readOnlyRootFileSystem]");
    }

    @Test
    void theUnknownFieldCheckCatchesAMisspeltFieldInAStrimziResource() {
        GenericKubernetesResource topic = (GenericKubernetesResource) RenderedManifests.parse(
                        """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata:
                  name: typo
                spec:
                  partitions: 3
                  replica: 3
                """)
                .get(0);

        assertThat(RenderedManifests.unknownFields(RenderedManifests.typed(topic), "KafkaTopic/typo"))
                .containsExactly("KafkaTopic/typo.spec: [replica]");
    }

    // ---------------------------------------------------------------- workloads

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasADeploymentServicePodDisruptionBudgetAndAutoscaler(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);

        for (String service : SERVICES) {
            Deployment deployment = rendered.find(Deployment.class, service).orElseThrow();
            assertThat(rendered.find(Service.class, service))
                    .as("Service " + service)
                    .isPresent();
            assertThat(rendered.all(PodDisruptionBudget.class))
                    .as("PodDisruptionBudget selecting " + service)
                    .anyMatch(pdb -> selects(pdb.getSpec().getSelector().getMatchLabels(), deployment));
            assertThat(rendered.all(HorizontalPodAutoscaler.class))
                    .as("HorizontalPodAutoscaler scaling " + service)
                    .anyMatch(hpa -> hpa.getSpec().getScaleTargetRef().getKind().equals("Deployment")
                            && hpa.getSpec().getScaleTargetRef().getName().equals(service));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentHasHealthProbesOnQuarkusEndpoints(String overlay) {
        for (Deployment deployment : RenderedManifests.of(overlay).all(Deployment.class)) {
            for (Container container :
                    deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String where = deployment.getMetadata().getName() + "/" + container.getName();
                assertHttpProbe(where + " startup", container, container.getStartupProbe(), "/q/health/started");
                assertHttpProbe(where + " liveness", container, container.getLivenessProbe(), "/q/health/live");
                assertHttpProbe(where + " readiness", container, container.getReadinessProbe(), "/q/health/ready");
            }
        }
    }

    private static void assertHttpProbe(String where, Container container, Probe probe, String path) {
        assertThat(probe).as(where + " probe").isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as(where + " httpGet").isNotNull();
        assertThat(get.getPath()).as(where + " path").isEqualTo(path);
        assertThat(containerPortNamed(container, get.getPort().getStrVal()))
                .as(where + " port " + get.getPort() + " is a declared container port")
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyWorkloadHasRequestsAndLimitsForCpuAndMemory(String overlay) {
        RenderedManifests.of(overlay).podTemplates().forEach((name, template) -> {
            for (Container container : template.getSpec().getContainers()) {
                ResourceRequirements resources = container.getResources();
                assertThat(resources).as(name).isNotNull();
                assertThat(resources.getRequests()).as(name + " requests").containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as(name + " limits").containsKeys("cpu", "memory");
                assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")))
                        .as(name + " memory limit ≥ request")
                        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(
                                resources.getRequests().get("memory")));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyWorkloadRunsNonRootReadOnlyWithoutPrivilegeEscalationOrCapabilities(String overlay) {
        RenderedManifests.of(overlay).podTemplates().forEach((name, template) -> {
            PodSpec pod = template.getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot())
                    .as(name + " runAsNonRoot")
                    .isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser())
                    .as(name + " runAsUser")
                    .isNotNull()
                    .isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken())
                    .as(name + " mounts no API token")
                    .isFalse();
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                assertThat(security).as(name + " container securityContext").isNotNull();
                assertThat(security.getAllowPrivilegeEscalation())
                        .as(name + " allowPrivilegeEscalation")
                        .isFalse();
                assertThat(security.getReadOnlyRootFilesystem())
                        .as(name + " readOnlyRootFilesystem")
                        .isTrue();
                assertThat(security.getPrivileged()).as(name + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(security.getCapabilities().getDrop())
                        .as(name + " drops")
                        .contains("ALL");
                assertThat(security.getCapabilities().getAdd())
                        .as(name + " adds nothing")
                        .isNullOrEmpty();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasAWritableTmpOnAnEmptyDir(String overlay) {
        for (Deployment deployment : RenderedManifests.of(overlay).all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            VolumeMount tmp = pod.getContainers().get(0).getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals("/tmp"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError(deployment.getMetadata().getName() + " has no /tmp"));
            assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            Volume volume = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(tmp.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(volume.getEmptyDir())
                    .as(deployment.getMetadata().getName() + " /tmp")
                    .isNotNull();
        }
    }

    static final Pattern PINNED_IMAGE =
            Pattern.compile("^[a-z0-9.\\-/]+(:[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127})?(@sha256:[a-f0-9]{64})?$");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyImageIsPinnedToATagOrDigestAndNeverLatest(String overlay) {
        RenderedManifests.of(overlay).podTemplates().forEach((name, template) -> {
            for (Container container : template.getSpec().getContainers()) {
                String image = container.getImage();
                assertThat(image).as(name).matches(PINNED_IMAGE);
                String afterRepository = image.substring(image.lastIndexOf('/') + 1);
                assertThat(afterRepository.contains(":") || image.contains("@sha256:"))
                        .as(name + " image " + image + " names a tag or digest")
                        .isTrue();
                assertThat(afterRepository).as(name).doesNotContain(":latest");
                assertThat(container.getImagePullPolicy()).as(name).isNotEqualTo("Always");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void selectorsMatchPodLabelsAndServicesReachTheNamedPort(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);

        for (Deployment deployment : rendered.all(Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .as(deployment.getMetadata().getName() + " template carries its selector")
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }
        for (Service service : rendered.all(Service.class)) {
            String name = service.getMetadata().getName();
            PodTemplateSpec template = rendered.podTemplates().values().stream()
                    .filter(t -> t.getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("Service " + name + " selects no pods"));
            for (ServicePort port : service.getSpec().getPorts()) {
                String target = port.getTargetPort().getStrVal();
                assertThat(template.getSpec().getContainers())
                        .as("Service " + name + " targets port " + target)
                        .anyMatch(c -> containerPortNamed(c, target) != null);
            }
        }
        for (PodDisruptionBudget pdb : rendered.all(PodDisruptionBudget.class)) {
            assertThat(rendered.someWorkloadCarries(pdb.getSpec().getSelector().getMatchLabels()))
                    .as("PodDisruptionBudget " + pdb.getMetadata().getName() + " selects pods")
                    .isTrue();
        }
        for (HorizontalPodAutoscaler hpa : rendered.all(HorizontalPodAutoscaler.class)) {
            assertThat(rendered.find(
                            Deployment.class, hpa.getSpec().getScaleTargetRef().getName()))
                    .isPresent();
            assertThat(hpa.getSpec().getMinReplicas())
                    .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        }
        for (ServiceMonitor monitor : rendered.all(ServiceMonitor.class)) {
            Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
            Service service = rendered.all(Service.class).stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "ServiceMonitor " + monitor.getMetadata().getName() + " selects no Service"));
            assertThat(monitor.getSpec().getEndpoints()).isNotEmpty().allSatisfy(endpoint -> {
                assertThat(endpoint.getPath()).isEqualTo("/q/metrics");
                assertThat(service.getSpec().getPorts())
                        .anyMatch(p -> p.getName().equals(endpoint.getPort()));
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceIsScrapedByAServiceMonitor(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Set<String> scraped = rendered.all(ServiceMonitor.class).stream()
                .map(m -> m.getSpec().getSelector().getMatchLabels().get(LABEL_NAME))
                .collect(Collectors.toSet());

        assertThat(scraped).containsAll(SERVICES);
    }

    /** A metric name in a PromQL expression: snake_case with an OpenClaw, HTTP, Kafka or {@code up} prefix. */
    static final Pattern METRIC =
            Pattern.compile("\\b((?:openclaw|http_server|kafka)_[a-z_]+|up)\\b(?=\\s*[{\\[]|\\s*[=<>])");

    @Test
    void everyAlertHasASeverityAndARunbookSectionThatDocumentsItsMetrics() throws IOException {
        String runbook = Files.readString(RenderedManifests.repositoryRoot().resolve("docs/operations.md"));
        Set<String> anchors = runbook.lines()
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "")
                        .toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
        List<Rule> rules = RenderedManifests.of("prod").all(PrometheusRule.class).stream()
                .flatMap(r -> r.getSpec().getGroups().stream())
                .flatMap(g -> g.getRules().stream())
                .toList();

        assertThat(rules)
                .extracting(Rule::getAlert)
                .contains(
                        "PairingRedemptionFailureRateHigh",
                        "RefreshTokenReuseDetected",
                        "OutboxLagHigh",
                        "KafkaConsumerLagHigh");
        for (Rule rule : rules) {
            assertThat(rule.getLabels()).as(rule.getAlert()).containsKey("severity");
            assertThat(rule.getLabels().get("severity")).isIn("warning", "critical");
            String link = rule.getAnnotations().get("runbook");
            assertThat(link).as(rule.getAlert() + " runbook").startsWith("docs/operations.md#");
            assertThat(anchors)
                    .as(rule.getAlert() + " runbook section")
                    .contains(link.substring(link.indexOf('#') + 1));
            String expr = rule.getExpr().getStrVal();
            METRIC.matcher(expr).results().map(m -> m.group(1)).forEach(metric -> assertThat(runbook)
                    .as(rule.getAlert() + " uses " + metric + ", which the runbook must document")
                    .contains("`" + metric));
        }
    }

    // ---------------------------------------------------------------- prod shape

    @Test
    void prodRunsAtLeastTwoReplicasOfEveryServiceSpreadOverNodesAndZones() {
        RenderedManifests prod = RenderedManifests.of("prod");

        for (String service : SERVICES) {
            Deployment deployment = prod.find(Deployment.class, service).orElseThrow();
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(deployment.getSpec().getReplicas())
                    .as(service + " replicas")
                    .isGreaterThanOrEqualTo(2);
            assertThat(prod.find(HorizontalPodAutoscaler.class, service)
                            .orElseThrow()
                            .getSpec()
                            .getMinReplicas())
                    .as(service + " HPA minReplicas")
                    .isGreaterThanOrEqualTo(2);

            var antiAffinity = pod.getAffinity().getPodAntiAffinity();
            assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution())
                    .as(service + " anti-affinity")
                    .anySatisfy(term -> {
                        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                        assertThat(podLabels)
                                .containsAllEntriesOf(term.getPodAffinityTerm()
                                        .getLabelSelector()
                                        .getMatchLabels());
                    });
            assertThat(pod.getTopologySpreadConstraints())
                    .as(service + " topology spread")
                    .extracting(c -> c.getTopologyKey())
                    .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
            assertThat(pod.getTopologySpreadConstraints()).allSatisfy(c -> assertThat(podLabels)
                    .containsAllEntriesOf(c.getLabelSelector().getMatchLabels()));

            PodDisruptionBudget pdb =
                    prod.find(PodDisruptionBudget.class, service).orElseThrow();
            assertThat(pdb.getSpec().getMaxUnavailable() != null
                            || pdb.getSpec().getMinAvailable() != null)
                    .as(service + " PDB bounds disruptions")
                    .isTrue();
        }
    }

    @Test
    void devRunsOneReplicaOfEachServiceWithInClusterStores() {
        RenderedManifests dev = RenderedManifests.of("dev");

        assertThat(dev.all(Deployment.class))
                .allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(1));
        assertThat(dev.podTemplates()).containsKeys("postgresql", "redis");
        assertThat(RenderedManifests.of("prod").podTemplates())
                .as("prod uses managed stores")
                .doesNotContainKeys("postgresql", "redis");
    }

    // ---------------------------------------------------------------- Ingress

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theIngressRoutesExactlyThePublicPathsOverTlsAndNeverInternal(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        List<Ingress> ingresses = rendered.all(Ingress.class);
        assertThat(ingresses).hasSize(1);
        Ingress ingress = ingresses.get(0);

        Map<String, Set<String>> routed = new HashMap<>();
        for (IngressRule rule : ingress.getSpec().getRules()) {
            assertThat(ingress.getSpec().getTls())
                    .as("TLS for " + rule.getHost())
                    .anyMatch(tls -> tls.getHosts().contains(rule.getHost()) && tls.getSecretName() != null);
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                String backend = path.getBackend().getService().getName();
                assertThat(path.getPath()).doesNotStartWith("/internal").doesNotStartWith("/q");
                assertThat(path.getPath()).isNotEqualTo("/");
                assertThat(path.getPath()).doesNotContain("internal");
                assertThat(path.getPathType()).isIn("Prefix", "Exact");
                Service service = rendered.find(Service.class, backend)
                        .orElseThrow(() -> new AssertionError("Ingress backend " + backend + " is no Service"));
                String port = path.getBackend().getService().getPort().getName();
                assertThat(service.getSpec().getPorts())
                        .as("Ingress backend port " + port + " on " + backend)
                        .anyMatch(p -> p.getName().equals(port));
                routed.computeIfAbsent(backend, b -> new TreeSet<>()).add(path.getPath());
            }
        }
        assertThat(routed).isEqualTo(PUBLIC_ROUTES);
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "64k")
                .containsEntry("nginx.ingress.kubernetes.io/force-ssl-redirect", "true");
    }

    /** {@code $API/v1/keys/$KEY_ID/rotate} or {@code ${API}/v1/...} in the runbook and the drill script. */
    static final Pattern PUBLIC_CALL = Pattern.compile("\\$\\{?API}?(/[A-Za-z0-9_./${}\\-]*)");

    @Test
    void everyPublicApiCallInTheRunbookAndTheDrillIsRoutedByTheIngressAndAdminCallsAreNot() throws IOException {
        Ingress ingress = RenderedManifests.of("prod").all(Ingress.class).get(0);
        Path root = RenderedManifests.repositoryRoot();
        String texts = Files.readString(root.resolve("docs/operations.md"))
                + Files.readString(root.resolve("deploy/k8s/drills/incident-drill.sh"));

        List<String> calls = PUBLIC_CALL
                .matcher(texts)
                .results()
                .map(m -> m.group(1).replaceAll("\\$\\{?[A-Z_]+}?", "x").replaceAll("[.?]+$", ""))
                .distinct()
                .toList();
        assertThat(calls).hasSizeGreaterThan(10);
        assertThat(calls)
                .as("calls the runbook sends through the Ingress")
                .allSatisfy(path -> assertThat(routed(ingress, path)).as(path).isTrue());
        assertThat(routed(ingress, "/v1/admin/signing-keys/rotate")).isFalse();
        assertThat(routed(ingress, "/internal/v1/redemptions")).isFalse();
        assertThat(routed(ingress, "/q/metrics")).isFalse();
    }

    /** Whether the Ingress routes a request path (Kubernetes Exact, and Prefix matched per path element). */
    private static boolean routed(Ingress ingress, String requestPath) {
        String path = requestPath.split("\\?")[0];
        return ingress.getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream())
                .anyMatch(p -> p.getPathType().equals("Exact")
                        ? path.equals(p.getPath())
                        : path.equals(p.getPath()) || path.startsWith(p.getPath() + "/"));
    }

    // ---------------------------------------------------------------- NetworkPolicies

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aDefaultDenyPolicyCoversEveryPodForIngressAndEgress(String overlay) {
        assertThat(RenderedManifests.of(overlay).all(NetworkPolicy.class)).anySatisfy(policy -> {
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
            assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTokenServiceReachesPairingAndKeyRotationFromInsideTheNamespace(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);

        for (String target : List.of("pairing-service", "key-rotation-service")) {
            Deployment deployment = rendered.find(Deployment.class, target).orElseThrow();
            List<NetworkPolicyPeer> peers = rendered.all(NetworkPolicy.class).stream()
                    .filter(p -> selectsPodsOf(p, deployment))
                    .filter(p -> p.getSpec().getIngress() != null)
                    .flatMap(p -> p.getSpec().getIngress().stream())
                    .peek(rule -> assertThat(rule.getFrom())
                            .as("an ingress rule on " + target + " without from allows everyone")
                            .isNotEmpty())
                    .flatMap(rule -> rule.getFrom().stream())
                    .toList();
            assertThat(peers).isNotEmpty();
            for (NetworkPolicyPeer peer : peers) {
                assertThat(peer.getIpBlock())
                        .as(target + " admits no address ranges")
                        .isNull();
                if (peer.getNamespaceSelector() == null) {
                    assertThat(peer.getPodSelector().getMatchLabels())
                            .as("the only pods of this namespace allowed into " + target)
                            .isEqualTo(Map.of(LABEL_NAME, "token-service"));
                } else {
                    assertThat(otherNamespace(peer))
                            .as("other namespaces allowed into " + target)
                            .isIn("ingress-nginx", "monitoring");
                    assertThat(peer.getPodSelector())
                            .as("a namespace peer names its pods")
                            .isNotNull();
                }
            }
        }
    }

    private static String otherNamespace(NetworkPolicyPeer peer) {
        return peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
    }

    @Test
    void inDevOnlyTheServicesThatOwnAStoreReachPostgresqlAndRedis() {
        RenderedManifests dev = RenderedManifests.of("dev");
        Map<String, Set<String>> expected = Map.of(
                "postgresql", Set.of("token-service", "key-rotation-service", "audit-service"),
                "redis", Set.of("pairing-service", "token-service", "key-rotation-service"));

        expected.forEach((store, clients) -> {
            var workload = dev.podTemplates().get(store);
            Set<String> admitted = dev.all(NetworkPolicy.class).stream()
                    .filter(p -> labelsMatch(p.getSpec().getPodSelector().getMatchLabels(), workload))
                    .filter(p -> p.getSpec().getIngress() != null)
                    .flatMap(p -> p.getSpec().getIngress().stream())
                    .flatMap(rule -> rule.getFrom().stream())
                    .peek(peer -> assertThat(peer.getNamespaceSelector()).isNull())
                    .peek(peer -> assertThat(peer.getIpBlock()).isNull())
                    .map(peer -> peer.getPodSelector().getMatchLabels().get(LABEL_NAME))
                    .collect(Collectors.toSet());
            assertThat(admitted).as("pods admitted into " + store).isEqualTo(clients);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPolicySelectorsNameRealPods(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        String kafkaCluster = rendered.custom("Kafka").get(0).getMetadata().getName();

        for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
            String name = policy.getMetadata().getName();
            List<Map<String, String>> selectors = new ArrayList<>();
            selectors.add(policy.getSpec().getPodSelector().getMatchLabels());
            Stream.concat(
                            policy.getSpec().getIngress() == null
                                    ? Stream.empty()
                                    : policy.getSpec().getIngress().stream().flatMap(r -> r.getFrom().stream()),
                            policy.getSpec().getEgress() == null
                                    ? Stream.empty()
                                    : policy.getSpec().getEgress().stream()
                                            .filter(r -> r.getTo() != null)
                                            .flatMap(r -> r.getTo().stream()))
                    .filter(peer -> peer.getNamespaceSelector() == null && peer.getPodSelector() != null)
                    .forEach(peer -> selectors.add(peer.getPodSelector().getMatchLabels()));
            for (Map<String, String> selector : selectors) {
                if (selector == null || selector.isEmpty()) {
                    continue; // all pods, or a matchExpressions selector checked below
                }
                if (selector.containsKey("strimzi.io/cluster") || selector.containsKey("strimzi.io/name")) {
                    // Pods made by the Strimzi operator from the Kafka resource.
                    assertThat(selector.getOrDefault("strimzi.io/cluster", kafkaCluster))
                            .as(name)
                            .isEqualTo(kafkaCluster);
                    assertThat(selector.getOrDefault("strimzi.io/name", kafkaCluster))
                            .as(name)
                            .startsWith(kafkaCluster);
                    continue;
                }
                assertThat(rendered.someWorkloadCarries(selector))
                        .as("NetworkPolicy " + name + " selector " + selector + " matches pods")
                        .isTrue();
            }
            policy.getSpec().getPodSelector().getMatchExpressions().forEach(expression -> {
                assertThat(expression.getKey()).isEqualTo(LABEL_NAME);
                assertThat(expression.getValues())
                        .allSatisfy(value -> assertThat(rendered.podTemplates()).containsKey(value));
            });
        }
    }

    // ---------------------------------------------------------------- Kafka

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheCodeUsesIsDeclaredAsAKafkaTopicWithARetention(String overlay) {
        Map<String, GenericKubernetesResource> topics = kafkaTopics(RenderedManifests.of(overlay));
        Set<String> used = new HashSet<>(Topics.ALL);
        Arrays.stream(EventType.values()).map(EventType::topic).forEach(used::add);

        assertThat(topics.keySet()).isEqualTo(used);
        topics.forEach((name, topic) -> {
            assertThat(at(topic, "spec", "config", "retention.ms"))
                    .as(name + " retention")
                    .isNotNull();
            assertThat((Integer) at(topic, "spec", "partitions")).as(name).isPositive();
        });
        assertThat(retentionMs(topics.get(Topics.AUDIT_LOG)))
                .as("the audit log is kept long")
                .isGreaterThanOrEqualTo(365L * 86_400_000L);
        assertThat(retentionMs(topics.get(Topics.KEY_USAGE)))
                .as("key usage is kept short")
                .isLessThanOrEqualTo(86_400_000L);
    }

    @Test
    void inProdEveryTopicHasThreeReplicasAndMinInsyncReplicasTwoOnThreeBrokers() {
        RenderedManifests prod = RenderedManifests.of("prod");

        kafkaTopics(prod).forEach((name, topic) -> {
            assertThat(at(topic, "spec", "replicas")).as(name + " replicas").isEqualTo(3);
            assertThat(String.valueOf(at(topic, "spec", "config", "min.insync.replicas")))
                    .as(name + " min.insync.replicas")
                    .isEqualTo("2");
        });
        GenericKubernetesResource pool = prod.custom("KafkaNodePool").get(0);
        assertThat(at(pool, "spec", "replicas")).isEqualTo(3);
        assertThat(String.valueOf(at(pool, "spec", "roles"))).contains("broker").contains("controller");
        GenericKubernetesResource kafka = prod.custom("Kafka").get(0);
        assertThat(String.valueOf(at(kafka, "spec", "kafka", "config", "min.insync.replicas")))
                .isEqualTo("2");
        assertThat(at(kafka, "spec", "kafka", "rack", "topologyKey"))
                .as("replicas spread over zones")
                .isEqualTo("topology.kubernetes.io/zone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachServiceKafkaUserWritesOnlyItsOwnTopicsAndSecurityTeamsOnlyRead(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Map<String, GenericKubernetesResource> users = rendered.custom("KafkaUser").stream()
                .collect(Collectors.toMap(u -> u.getMetadata().getName(), Function.identity()));

        assertThat(users.keySet()).isEqualTo(WRITES.keySet());
        WRITES.forEach((user, allowed) -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> acls =
                    (List<Map<String, Object>>) at(users.get(user), "spec", "authorization", "acls");
            Set<String> written = new HashSet<>();
            for (Map<String, Object> acl : acls) {
                Map<?, ?> resource = (Map<?, ?>) acl.get("resource");
                List<?> operations = (List<?>) acl.get("operations");
                if (!"topic".equals(resource.get("type"))) {
                    continue;
                }
                String topic = (String) resource.get("name");
                if (operations.contains("Write") || operations.contains("All")) {
                    if ("prefix".equals(resource.get("patternType"))) {
                        assertThat(topic)
                                .as(user + " may own only its Kafka Streams internal topics")
                                .isEqualTo("openclaw-audit-detection-");
                    } else {
                        written.add(topic);
                    }
                }
            }
            assertThat(written).as(user + " writes").isEqualTo(allowed);
        });
        assertThat(aclTopics(users.get("security-team-reader"), "Read"))
                .containsExactlyInAnyOrder(Topics.AUDIT_LOG, Topics.SECURITY_ALERTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheServicesReachKafkaOverAnAuthenticatedTlsListener(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        GenericKubernetesResource kafka = rendered.custom("Kafka").get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listeners = (List<Map<String, Object>>) at(kafka, "spec", "kafka", "listeners");

        assertThat(at(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat(listeners).isNotEmpty().allSatisfy(listener -> {
            assertThat(listener.get("type")).as("no external listener").isEqualTo("internal");
            assertThat(listener.get("tls")).isEqualTo(true);
            assertThat(((Map<?, ?>) listener.get("authentication")).get("type")).isEqualTo("scram-sha-512");
            List<?> peers = (List<?>) listener.get("networkPolicyPeers");
            assertThat(peers).as("an open listener admits every pod").isNotEmpty();
            for (Object peer : peers) {
                @SuppressWarnings("unchecked")
                Map<String, String> selector =
                        (Map<String, String>) ((Map<?, ?>) ((Map<?, ?>) peer).get("podSelector")).get("matchLabels");
                Set<String> admitted = rendered.podTemplates().entrySet().stream()
                        .filter(e -> e.getValue()
                                .getMetadata()
                                .getLabels()
                                .entrySet()
                                .containsAll(selector.entrySet()))
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
                assertThat(admitted).as("pods admitted to Kafka").isEqualTo(Set.copyOf(SERVICES));
            }
        });
    }

    /** What each service's code subscribes to, and the consumer groups it uses by default. */
    static final Map<String, Set<String>> READS = Map.of(
            "pairing-service-kafka", Set.of(Topics.KEY_EVENTS, Topics.SECURITY_COMMANDS),
            "token-service-kafka", Set.of(Topics.KEY_EVENTS, Topics.SECURITY_COMMANDS),
            "key-rotation-service-kafka", Set.of(Topics.KEY_EVENTS, Topics.SECURITY_COMMANDS),
            "audit-service-kafka",
                    Set.of(
                            Topics.PAIRING_EVENTS,
                            Topics.TOKEN_EVENTS,
                            Topics.KEY_EVENTS,
                            Topics.KEY_USAGE,
                            Topics.SECURITY_ALERTS,
                            Topics.SECURITY_COMMANDS));

    static final Map<String, Set<String>> GROUPS = Map.of(
            "pairing-service-kafka", Set.of("pairing-service"),
            "token-service-kafka", Set.of("token-service"),
            "key-rotation-service-kafka", Set.of("key-rotation-service-commands", "key-rotation-cache-0f1e"),
            "audit-service-kafka", Set.of("openclaw-audit-log", "openclaw-audit-detection"));

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachServiceKafkaUserMayReadWhatItsCodeConsumesWithItsConsumerGroups(String overlay) {
        Map<String, GenericKubernetesResource> users = RenderedManifests.of(overlay).custom("KafkaUser").stream()
                .collect(Collectors.toMap(u -> u.getMetadata().getName(), Function.identity()));

        READS.forEach((user, topics) -> assertThat(aclTopics(users.get(user), "Read"))
                .as(user + " reads")
                .containsAll(topics));
        GROUPS.forEach((user, groups) -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> acls =
                    (List<Map<String, Object>>) at(users.get(user), "spec", "authorization", "acls");
            for (String group : groups) {
                assertThat(acls).as(user + " may use consumer group " + group).anySatisfy(acl -> {
                    Map<?, ?> resource = (Map<?, ?>) acl.get("resource");
                    assertThat(resource.get("type")).isEqualTo("group");
                    assertThat(((List<?>) acl.get("operations")).contains("Read"))
                            .isTrue();
                    String name = (String) resource.get("name");
                    if ("prefix".equals(resource.get("patternType"))) {
                        assertThat(group).startsWith(name);
                    } else {
                        assertThat(group).isEqualTo(name);
                    }
                });
            }
        });
    }

    @Test
    void everyTopicNamedInAServiceConfigurationIsDeclaredAndReadableByThatService() throws IOException {
        Map<String, GenericKubernetesResource> topics = kafkaTopics(RenderedManifests.of("prod"));
        Map<String, GenericKubernetesResource> users = RenderedManifests.of("prod").custom("KafkaUser").stream()
                .collect(Collectors.toMap(u -> u.getMetadata().getName(), Function.identity()));
        for (String service : SERVICES) {
            Path properties = RenderedManifests.repositoryRoot()
                    .resolve(service)
                    .resolve("src/main/resources/application.properties");
            for (String line : Files.readAllLines(properties)) {
                int equals = line.indexOf('=');
                if (line.startsWith("#")
                        || equals < 0
                        || !line.substring(0, equals).contains("topic")) {
                    continue;
                }
                for (String topic : line.substring(equals + 1).split(",")) {
                    if (topic.isBlank() || topic.contains("${")) {
                        continue;
                    }
                    assertThat(topics).as(service + " names " + topic).containsKey(topic.strip());
                    assertThat(aclTopics(users.get(service + "-kafka"), "Read"))
                            .as(service + " reads " + topic)
                            .contains(topic.strip());
                }
            }
        }
    }

    private static Set<String> aclTopics(GenericKubernetesResource user, String operation) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> acls = (List<Map<String, Object>>) at(user, "spec", "authorization", "acls");
        return acls.stream()
                .filter(acl -> "topic".equals(((Map<?, ?>) acl.get("resource")).get("type")))
                .filter(acl -> ((List<?>) acl.get("operations")).contains(operation))
                .map(acl -> (String) ((Map<?, ?>) acl.get("resource")).get("name"))
                .collect(Collectors.toSet());
    }

    private static Map<String, GenericKubernetesResource> kafkaTopics(RenderedManifests rendered) {
        return rendered.custom("KafkaTopic").stream()
                .collect(Collectors.toMap(
                        t -> Objects.requireNonNullElse(
                                (String) at(t, "spec", "topicName"),
                                t.getMetadata().getName()),
                        Function.identity()));
    }

    private static long retentionMs(GenericKubernetesResource topic) {
        return Long.parseLong(String.valueOf(at(topic, "spec", "config", "retention.ms")));
    }

    // ---------------------------------------------------------------- configuration and Secrets

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedConfigMapAndKeyIsDeclared(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Map<String, ConfigMap> configMaps = rendered.all(ConfigMap.class).stream()
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));

        rendered.podTemplates().forEach((name, template) -> {
            PodSpec pod = template.getSpec();
            for (Container container : pod.getContainers()) {
                for (EnvFromSource from : nullToEmpty(container.getEnvFrom())) {
                    if (from.getConfigMapRef() != null) {
                        assertThat(configMaps)
                                .as(name)
                                .containsKey(from.getConfigMapRef().getName());
                    }
                }
                for (EnvVar env : nullToEmpty(container.getEnv())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = env.getValueFrom().getConfigMapKeyRef();
                        assertThat(configMaps).as(name).containsKey(ref.getName());
                        assertThat(configMaps.get(ref.getName()).getData()).containsKey(ref.getKey());
                    }
                }
            }
            for (Volume volume : nullToEmpty(pod.getVolumes())) {
                if (volume.getConfigMap() != null) {
                    ConfigMap configMap = configMaps.get(volume.getConfigMap().getName());
                    assertThat(configMap)
                            .as(name + " volume " + volume.getName())
                            .isNotNull();
                    nullToEmpty(volume.getConfigMap().getItems())
                            .forEach(item -> assertThat(configMap.getData()).containsKey(item.getKey()));
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedSecretKeyIsInTheCatalogAndTheCatalogHasNothingStale(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Map<String, Set<String>> catalog = SecretsCatalog.load().keysFor(overlay);
        Map<String, Set<String>> referenced = new HashMap<>();

        rendered.podTemplates().values().forEach(template -> {
            for (Container container : template.getSpec().getContainers()) {
                for (EnvVar env : nullToEmpty(container.getEnv())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        referenced
                                .computeIfAbsent(ref.getName(), n -> new TreeSet<>())
                                .add(ref.getKey());
                    }
                }
                assertThat(nullToEmpty(container.getEnvFrom()))
                        .as("whole Secrets as environment hide which keys are needed")
                        .allSatisfy(from -> assertThat(from.getSecretRef()).isNull());
            }
            assertThat(nullToEmpty(template.getSpec().getVolumes()))
                    .allSatisfy(v -> assertThat(v.getSecret()).isNull());
        });
        rendered.all(Ingress.class)
                .forEach(ingress -> ingress.getSpec().getTls().forEach(tls -> referenced
                        .computeIfAbsent(tls.getSecretName(), n -> new TreeSet<>())
                        .addAll(Set.of("tls.crt", "tls.key"))));

        assertThat(referenced).isEqualTo(catalog);
    }

    /** Environment names that hold secrets: their values must come from a Secret, never a literal. */
    static final Pattern SECRET_ENV_NAME =
            Pattern.compile(".*(PASSWORD|SECRET|_KEY(_|$)|KEK|TOKEN$|JAAS|CREDENTIAL).*");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretValueIsRenderedOrWrittenInTheRepository(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);

        assertThat(rendered.objects).noneMatch(o -> o.getKind().equals("Secret"));
        rendered.podTemplates()
                .forEach((name, template) -> template.getSpec().getContainers().forEach(c -> {
                    for (EnvVar env : nullToEmpty(c.getEnv())) {
                        if (SECRET_ENV_NAME.matcher(env.getName()).matches()) {
                            assertThat(env.getValue())
                                    .as(name + " " + env.getName() + " comes from a Secret")
                                    .isNull();
                        }
                    }
                }));
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            nullToEmpty(configMap.getData()).forEach((key, value) -> {
                assertThat(key).as(configMap.getMetadata().getName()).doesNotMatch(SECRET_ENV_NAME);
                assertThat(value)
                        .as("a property named like a password holds a reference, not a value")
                        .doesNotContainPattern("(?im)^[\\w.-]*(password|secret)[\\w.-]*\\s*[=:]\\s*[^$\\s]");
            });
        }
        try (Stream<Path> files =
                RenderedManifests.filesUnder(RenderedManifests.repositoryRoot().resolve("deploy"))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                assertThat(text).as(file.toString()).doesNotContainPattern("(?m)^kind:\\s*Secret\\s*$");
                assertThat(text).as(file.toString()).doesNotContain("PRIVATE KEY-----");
                assertThat(text).as(file.toString()).doesNotContainPattern("ock_(live|test)_[0-9A-Za-z]{38}");
                assertThat(text).as(file.toString()).doesNotContainPattern("ocr_[0-9A-Za-z_-]{40,}");
            }
        }
    }

    // ---------------------------------------------------------------- wiring

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void serviceUrlsInTheConfigurationPointAtRenderedServicesAndPorts(String overlay) {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Map<String, String> settings = new HashMap<>();
        rendered.all(ConfigMap.class).forEach(c -> settings.putAll(nullToEmpty(c.getData())));

        for (String key : List.of(
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                "OPENCLAW_JWKS_URL",
                "OPENCLAW_TOKEN_PAIRING_URL",
                "OPENCLAW_TOKEN_KEYS_URL")) {
            URI uri = URI.create(settings.get(key));
            Service service = rendered.find(Service.class, uri.getHost())
                    .orElseThrow(() -> new AssertionError(key + " names no Service: " + uri));
            assertThat(service.getSpec().getPorts()).as(key).anyMatch(p -> p.getPort() == uri.getPort());
        }
        GenericKubernetesResource kafka = rendered.custom("Kafka").get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listeners = (List<Map<String, Object>>) at(kafka, "spec", "kafka", "listeners");
        assertThat(settings.get("KAFKA_BOOTSTRAP_SERVERS"))
                .isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:"
                        + listeners.get(0).get("port"));
        assertThat(settings).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        assertThat(URI.create(settings.get("OPENCLAW_ISSUER")).getHost())
                .as("the issuer is the Ingress host")
                .isEqualTo(rendered.all(Ingress.class)
                        .get(0)
                        .getSpec()
                        .getRules()
                        .get(0)
                        .getHost());
    }

    // ---------------------------------------------------------------- helpers

    private static boolean selects(Map<String, String> selector, Deployment deployment) {
        return labelsMatch(selector, deployment.getSpec().getTemplate());
    }

    private static boolean selectsPodsOf(NetworkPolicy policy, Deployment deployment) {
        var selector = policy.getSpec().getPodSelector();
        Map<String, String> labels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        boolean byLabels = selector.getMatchLabels() == null
                || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
        boolean byExpressions = nullToEmpty(selector.getMatchExpressions()).stream()
                .allMatch(e -> e.getOperator().equals("In") && e.getValues().contains(labels.get(e.getKey())));
        return byLabels && byExpressions;
    }

    private static boolean labelsMatch(Map<String, String> selector, PodTemplateSpec template) {
        return selector != null
                && template != null
                && template.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    private static ContainerPort containerPortNamed(Container container, String name) {
        return nullToEmpty(container.getPorts()).stream()
                .filter(p -> Objects.equals(p.getName(), name))
                .findFirst()
                .orElse(null);
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
